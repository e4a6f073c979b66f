/*
 * thread.h - one helper thread, a lock and a wake-up: just what log.h
 * needs to write the log beside a server's loop. The lessons themselves
 * use no threads: a select() loop serves everyone from one.
 *
 * Part of the compat layer: pthreads on POSIX, CreateThread and a critical
 * section on Windows (Vista and later, which net.h asks for).
 * On a Linux older than glibc 2.34, link with -pthread.
 */
#ifndef SOCKLAB_THREAD_H
#define SOCKLAB_THREAD_H

#include "net.h"
#ifdef _WIN32
struct net_lock { CRITICAL_SECTION cs; CONDITION_VARIABLE cv; };
typedef HANDLE net_thread;
/* A thread's function: NET_THREAD_FN(name, arg) { ... return 0; } */
#  define NET_THREAD_FN(name, arg) DWORD WINAPI name(LPVOID arg)
#else
#  include <pthread.h>
#  include <signal.h>
#  include <time.h>
struct net_lock { pthread_mutex_t m; pthread_cond_t cv; };
typedef pthread_t net_thread;
#  define NET_THREAD_FN(name, arg) void *name(void *arg)
#endif

static inline void net_lock_init(struct net_lock *l)
{
#ifdef _WIN32
    InitializeCriticalSection(&l->cs);
    InitializeConditionVariable(&l->cv);
#else
    pthread_mutex_init(&l->m, NULL);
    pthread_cond_init(&l->cv, NULL);
#endif
}

/* on: take the lock (waiting for it); off: give it back. */
static inline void net_lock_hold(struct net_lock *l, int on)
{
#ifdef _WIN32
    if (on)
        EnterCriticalSection(&l->cs);
    else
        LeaveCriticalSection(&l->cs);
#else
    if (on)
        pthread_mutex_lock(&l->m);
    else
        pthread_mutex_unlock(&l->m);
#endif
}

/* Holding the lock: gives it up until woken (net_lock_wake()) or until
 * about ms milliseconds have passed, then holds it again. */
static inline void net_lock_wait(struct net_lock *l, int ms)
{
#ifdef _WIN32
    SleepConditionVariableCS(&l->cv, &l->cs, (DWORD)ms);
#else
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&l->cv, &l->m, &until);
#endif
}

static inline void net_lock_wake(struct net_lock *l)
{
#ifdef _WIN32
    WakeConditionVariable(&l->cv);
#else
    pthread_cond_signal(&l->cv);
#endif
}

/* Starts fn(arg) in a thread of its own; 0, or -1 if the system would not. */
#ifdef _WIN32
static inline int net_thread_start(net_thread *t, LPTHREAD_START_ROUTINE fn, void *arg)
{
    return (*t = CreateThread(NULL, 0, fn, arg, 0, NULL)) != NULL ? 0 : -1;
}
#else
static inline int net_thread_start(net_thread *t, void *(*fn)(void *), void *arg)
{
    /* The thread starts with every signal blocked: Ctrl+C must reach the
     * main thread, where it wakes select(), not a helper that ignores it. */
    sigset_t all, before;
    int rc;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &before);
    rc = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &before, NULL);
    return rc == 0 ? 0 : -1;
}
#endif

/* Waits until the thread has returned. */
static inline void net_thread_join(net_thread t)
{
#ifdef _WIN32
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
#else
    pthread_join(t, NULL);
#endif
}

#endif
