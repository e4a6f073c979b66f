/*
 * t_eliza.c - tests for lesson 05's ELIZA engine (eliza.c, script.c) and
 * its DOCTOR script, without any networking. Most vectors come from
 * shared/doctor/NOTES.md (sections noted as §). Run from the repo root:
 * the DOCTOR script is read from lessons/05-doctor/doctor.script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../lessons/05-doctor/eliza.h"

#define DOCTOR "lessons/05-doctor/doctor.script"

static eliza_script *load_doctor(void)
{
    char err[256];
    eliza_script *s = eliza_script_load(DOCTOR, err, sizeof err);
    expect(s != NULL, "could not load the DOCTOR script: %s", err);
    return s;
}

static eliza_script *parse(const char *text)
{
    char err[256];
    eliza_script *s = eliza_script_parse(text, strlen(text), err, sizeof err);
    expect(s != NULL, "script did not parse: %s", err);
    return s;
}

/* Plays talk[] = { line, reply, line, reply, ..., NULL } through one new
 * conversation and checks every reply. */
static void converse(const eliza_script *s, const char *const *talk)
{
    char out[1024], label[300];
    eliza *e = s ? eliza_new(s) : NULL;
    int i;
    if (!expect(e != NULL, "eliza_new failed"))
        return;
    for (i = 0; talk[i] && talk[i + 1]; i += 2) {
        snprintf(label, sizeof label, "line %d \"%s\"", i / 2 + 1, talk[i]);
        eliza_reply(e, talk[i], strlen(talk[i]), out, sizeof out);
        expect_str(label, out, talk[i + 1]);
    }
    eliza_free(e);
}

static void converse_doctor(const char *const *talk)
{
    eliza_script *s = load_doctor();
    converse(s, talk);
    eliza_script_free(s);
}

/* ---- §8: the conversation printed in the paper ---- */

static const char *const cacm[] = {
    "Men are all alike.", "IN WHAT WAY",
    "They're always bugging us about something or other.",
    "CAN YOU THINK OF A SPECIFIC EXAMPLE",
    "Well, my boyfriend made me come here.", "YOUR BOYFRIEND MADE YOU COME HERE",
    "He says I'm depressed much of the time.", "I AM SORRY TO HEAR YOU ARE DEPRESSED",
    "It's true. I am unhappy.",
    "DO YOU THINK COMING HERE WILL HELP YOU NOT TO BE UNHAPPY",
    "I need some help, that much seems certain.",
    "WHAT WOULD IT MEAN TO YOU IF YOU GOT SOME HELP",
    "Perhaps I could learn to get along with my mother.",
    "TELL ME MORE ABOUT YOUR FAMILY",
    "My mother takes care of me.", "WHO ELSE IN YOUR FAMILY TAKES CARE OF YOU",
    "My father.", "YOUR FATHER",
    "You are like my father in some ways.", "WHAT RESEMBLANCE DO YOU SEE",
    "You are not very aggressive but I think you don't want me to notice that.",
    "WHAT MAKES YOU THINK I AM NOT VERY AGGRESSIVE",
    "You don't argue with me.", "WHY DO YOU THINK I DON'T ARGUE WITH YOU",
    "You are afraid of me.", "DOES IT PLEASE YOU TO BELIEVE I AM AFRAID OF YOU",
    "My father is afraid of everybody.",
    "WHAT ELSE COMES TO MIND WHEN YOU THINK OF YOUR FATHER",
    "Bullies.",
    "DOES THAT HAVE ANYTHING TO DO WITH THE FACT THAT YOUR BOYFRIEND MADE YOU COME HERE",
    NULL
};

static void reproduces_cacm_1966_conversation(void)
{
    converse_doctor(cacm);
}

static void greets_with_the_scripts_greeting(void)
{
    eliza_script *s = load_doctor();
    if (s)
        expect_str("greeting", eliza_greeting(s), "HOW DO YOU DO. PLEASE TELL ME YOUR PROBLEM");
    eliza_script_free(s);
}

/* ---- §9.1: single lines, each the first of a new conversation ---- */

static const char *const single_lines[] = {
    "I am unhappy.", "I AM SORRY TO HEAR YOU ARE UNHAPPY",
    "I'm depressed.", "I AM SORRY TO HEAR YOU ARE DEPRESSED",
    "You're angry with me.", "WHAT MAKES YOU THINK I AM ANGRY WITH YOU",
    "I need a friend.", "WHAT WOULD IT MEAN TO YOU IF YOU GOT A FRIEND",
    "I want my money back.", "YOUR MONEY BACK",
    "I am glad.", "HOW HAVE I HELPED YOU TO BE GLAD",
    "I believe you are honest.", "WHAT MAKES YOU THINK I AM HONEST",
    "I think I am lost.", "DO YOU REALLY THINK SO",
    "I cannot swim.", "HOW DO YOU KNOW YOU CAN'T SWIM",
    "I can't swim.", "HOW DO YOU KNOW YOU CAN'T SWIM",     /* the contraction */
    "I cant swim.", "HOW DO YOU KNOW YOU CAN'T SWIM",      /* and without its apostrophe */
    "I dont care.", "DON'T YOU REALLY CARE",
    "I feel tired.", "TELL ME MORE ABOUT SUCH FEELINGS",
    "I like you.", "PERHAPS IN YOUR FANTASY WE LIKE EACH OTHER",
    "I swim every day.", "YOU SAY YOU SWIM EVERY DAY",
    "You remind me of a film star.", "IN WHAT WAY",
    "You always criticize me.", "CAN YOU THINK OF A SPECIFIC EXAMPLE",
    "You talk too much.", "WE WERE DISCUSSING YOU - NOT ME",
    "My mom is kind.", "TELL ME MORE ABOUT YOUR FAMILY",
    "My car is red.", "YOUR CAR IS RED",
    "Your hat is red.", "WHY ARE YOU CONCERNED OVER MY HAT IS RED",
    "Everybody laughs at me.", "REALLY, EVERYBODY",
    "Do you remember me?", "DID YOU THINK I WOULD FORGET YOU",
    "If it rains we stay home.", "DO YOU THINK ITS LIKELY THAT IT RAINS WE STAY HOME",
    "I dreamed I could fly.", "REALLY, YOU COULD FLY",
    "My aunt dreamt she could fly.", "HMMM",
    "Dreams are strange.", "WHAT DOES THAT DREAM SUGGEST TO YOU",
    "Was I wrong?", "WHAT IF YOU WERE WRONG",
    "Were you there?", "WOULD YOU LIKE TO BELIEVE I WAS THERE",
    "Was it fun?", "I AM NOT SURE I UNDERSTAND YOU FULLY",
    "Am I late?", "DO YOU BELIEVE YOU ARE LATE",
    "They are late.", "DID YOU THINK THEY MIGHT NOT BE LATE",
    "Are you busy?", "WHY ARE YOU INTERESTED IN WHETHER I AM BUSY OR NOT",
    "Can you help me?", "YOU BELIEVE I CAN HELP YOU DON'T YOU",
    "Can I go home?", "WHETHER OR NOT YOU CAN GO HOME DEPENDS ON YOU MORE THAN ON ME",
    "Can we go home?", "HMMM",
    "Why don't you answer?", "DO YOU BELIEVE I DON'T ANSWER",
    "Why can't I sleep?", "DO YOU THINK YOU SHOULD BE ABLE TO SLEEP",
    "Why is the sky blue?", "WHY DO YOU ASK",
    "Maybe tomorrow.", "YOU DON'T SEEM QUITE CERTAIN",
    "Certainly.", "YOU SEEM QUITE POSITIVE",
    "Hello.", "HOW DO YOU DO. PLEASE STATE YOUR PROBLEM",
    "My name is Ann.", "I AM NOT INTERESTED IN NAMES",
    "Parlez-vous francais?", "I AM SORRY, I SPEAK ONLY ENGLISH",
    "My computer crashed.", "DO COMPUTERS WORRY YOU",
    "She was like a sister to me.", "IN WHAT WAY",
    "It's like a dream.", "WHAT DOES THAT DREAM SUGGEST TO YOU",
    "None.", "I AM NOT SURE I UNDERSTAND YOU FULLY",
    "?", "I AM NOT SURE I UNDERSTAND YOU FULLY",
    "Yesterday, my sister called, but I was out.", "TELL ME MORE ABOUT YOUR FAMILY",
    "Computers and I don't get on, my mother says.", "DO COMPUTERS WORRY YOU",
    NULL
};

static void answers_each_single_line_vector(void)
{
    eliza_script *s = load_doctor();
    const char *pair[3];
    int i;
    for (i = 0; s && single_lines[i]; i += 2) {
        pair[0] = single_lines[i];
        pair[1] = single_lines[i + 1];
        pair[2] = NULL;
        converse(s, pair);
    }
    eliza_script_free(s);
}

/* ---- §9.2: short sequences, each a new conversation ---- */

static void cycles_through_a_patterns_replies_in_turn(void)
{
    static const char *const t[] = {
        "Sorry.", "PLEASE DON'T APOLIGIZE",
        "Sorry.", "APOLOGIES ARE NOT NECESSARY",
        "Sorry.", "WHAT FEELINGS DO YOU HAVE WHEN YOU APOLOGIZE",
        "Sorry.", "I'VE TOLD YOU THAT APOLOGIES ARE NOT REQUIRED",
        "Sorry.", "PLEASE DON'T APOLIGIZE", NULL
    };
    converse_doctor(t);
}

static void builtin_messages_follow_limit(void)
{
    static const char *const t[] = {
        "Can we go home?", "HMMM",
        "Can we go home?", "GO ON , PLEASE",
        "Can we go home?", "I SEE",
        "Can we go home?", "PLEASE CONTINUE",
        "Can we go home?", "HMMM", NULL
    };
    converse_doctor(t);
}

static void recalls_a_memory_only_on_limit_4_lines(void)
{
    static const char *const t[] = {
        "My cat hates work.", "YOUR CAT HATES WORK",
        "Okay.", "I AM NOT SURE I UNDERSTAND YOU FULLY",
        "Okay.", "BUT YOUR CAT HATES WORK",
        "Okay.", "PLEASE GO ON",
        "Okay.", "WHAT DOES THAT SUGGEST TO YOU",
        "Okay.", "DO YOU FEEL STRONGLY ABOUT DISCUSSING SUCH THINGS",
        "Okay.", "I AM NOT SURE I UNDERSTAND YOU FULLY", NULL
    };
    converse_doctor(t);
}

static void never_recalls_on_a_line_with_a_keyword(void)
{
    static const char *const t[] = {
        "My cat hates work.", "YOUR CAT HATES WORK",
        "Okay.", "I AM NOT SURE I UNDERSTAND YOU FULLY",
        "Was it fun?", "PLEASE GO ON",
        "Okay.", "WHAT DOES THAT SUGGEST TO YOU", NULL
    };
    converse_doctor(t);
}

static void recalls_memories_oldest_first(void)
{
    static const char *const t[] = {
        "My dog is old.", "YOUR DOG IS OLD",
        "My dog is old.", "WHY DO YOU SAY YOUR DOG IS OLD",
        "Okay.", "EARLIER YOU SAID YOUR DOG IS OLD",
        "Okay.", "I AM NOT SURE I UNDERSTAND YOU FULLY",
        "Okay.", "PLEASE GO ON",
        "Okay.", "WHAT DOES THAT SUGGEST TO YOU",
        "Okay.", "EARLIER YOU SAID YOUR DOG IS OLD", NULL
    };
    converse_doctor(t);
}

static void linked_keywords_share_the_targets_counter(void)
{
    static const char *const t[] = {
        "How?", "WHY DO YOU ASK",
        "What?", "DOES THAT QUESTION INTEREST YOU",
        "When?", "WHAT IS IT YOU REALLY WANT TO KNOW", NULL
    };
    converse_doctor(t);
}

static void newkey_falls_through_to_the_next_keyword(void)
{
    static const char *const t[] = {
        "I dreamt of snow.", "REALLY, OF SNOW",
        "I dreamt of snow.", "HAVE YOU EVER FANTASIED OF SNOW WHILE YOU WERE AWAKE",
        "I dreamt of snow.", "HAVE YOU DREAMT OF SNOW BEFORE",
        "I dreamt of snow.", "WHAT DOES THAT DREAM SUGGEST TO YOU",
        "I dreamt of snow.", "YOU SAY YOU DREAMT OF SNOW",
        "I dreamt of snow.", "REALLY, OF SNOW", NULL
    };
    converse_doctor(t);
}

static void rank_ties_go_to_the_bottom_and_my_forms_a_memory(void)
{
    static const char *const t[] = {
        "My father is afraid of everybody.", "TELL ME MORE ABOUT YOUR FAMILY",
        "Okay.", "I AM NOT SURE I UNDERSTAND YOU FULLY",
        "Okay.", "EARLIER YOU SAID YOUR FATHER IS AFRAID OF EVERYBODY",
        "Okay.", "PLEASE GO ON", NULL
    };
    converse_doctor(t);
}

static void forms_no_memory_when_my_is_never_popped(void)
{
    static const char *const t[] = {
        "You are like my father.", "IN WHAT WAY",
        "Okay.", "I AM NOT SURE I UNDERSTAND YOU FULLY",
        "Okay.", "PLEASE GO ON", NULL
    };
    converse_doctor(t);
}

/* ---- §7.3: BCD coding and the SLIP HASH ---- */

static void slip_hash_matches_the_notes_vectors(void)
{
    static const struct { const char *word; unsigned long long bcd; int h2; } v[] = {
        { "ALWAYS", 0214366217062ULL, -1 },
        { "HERE", 0302551256060ULL, 3 },
        { "KIDS", 0423124626060ULL, 1 },
        { "TIME", 0633144256060ULL, 0 },
        { "", 0606060606060ULL, -1 },
        { "X", 0676060606060ULL, -1 },
        { "INVENTED", 0252460606060ULL, -1 },
        { "123456ABCDEF", 0212223242526ULL, -1 },
        { "WIFE'S", 0663126251462ULL, 0 },
        { "2019", 0020001116060ULL, 1 },
    };
    /* memory index (HASH of the last chunk, n = 2) for some last words */
    static const char *const by_index[4] = {
        "TIME WIFE'S UNEXPECTEDLY DEVONSHIRE GARDEN",
        "KIDS PURPOSE JOB CAR AGAIN A 2019 ABCDEFG",
        "EVERYTHING BIRTHDAY GLOUCESTERSHIRE DOG WORK FATHER YOU",
        "HERE CALIFORNIA PREDICAMENT EXECUTIONERS O'CLOCK MONEY HEADACHES TOMORROW SLEEP MOTHER",
    };
    char words[200], *w;
    size_t i;
    int k;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        expect(eliza_bcd_chunk(v[i].word) == v[i].bcd, "BCD of \"%s\": got 0%llo, want 0%llo",
               v[i].word, eliza_bcd_chunk(v[i].word), v[i].bcd);
        if (v[i].h2 >= 0)
            expect((int)eliza_slip_hash(v[i].bcd, 2) == v[i].h2, "HASH(%s,2) = %u, want %d",
                   v[i].word, eliza_slip_hash(v[i].bcd, 2), v[i].h2);
    }
    expect(eliza_slip_hash(eliza_bcd_chunk("ALWAYS"), 7) == 14, "HASH(ALWAYS,7) != 14");
    expect(eliza_slip_hash(eliza_bcd_chunk("ALWAYS"), 15) == 0x70EE, "HASH(ALWAYS,15) != 0x70EE");
    expect(eliza_slip_hash(eliza_bcd_chunk("TIME"), 15) == 0x252E, "HASH(TIME,15) != 0x252E");
    expect(eliza_slip_hash(0777777777777ULL, 7) == 0x70, "HASH(0777777777777,7) != 0x70");
    expect(eliza_slip_hash(0777777777777ULL, 15) == 0x7F00, "HASH(0777777777777,15) != 0x7F00");
    expect(eliza_slip_hash(0x555555555ULL, 15) == 0x46E3, "HASH(0x555555555,15) != 0x46E3");
    expect(eliza_slip_hash(0xF0F0F0F0FULL, 15) == 0x7788, "HASH(0xF0F0F0F0F,15) != 0x7788");
    expect(eliza_slip_hash(0, 7) == 0, "HASH(0,7) != 0");
    for (k = 0; k < 4; k++) {
        snprintf(words, sizeof words, "%s", by_index[k]);
        for (w = strtok(words, " "); w; w = strtok(NULL, " "))
            expect((int)eliza_slip_hash(eliza_bcd_chunk(w), 2) == k,
                   "memory index of %s: got %u, want %d", w,
                   eliza_slip_hash(eliza_bcd_chunk(w), 2), k);
    }
}

/* The same, end to end: "my cat hates WORD." then two keyword-free lines;
 * the third reply is the memory the hash chose. */
static void memory_choice_follows_the_hash_of_the_last_word(void)
{
    static const struct { const char *word, *memory; } v[] = {
        { "time", "LETS DISCUSS FURTHER WHY YOUR CAT HATES TIME" },
        { "Devonshire", "LETS DISCUSS FURTHER WHY YOUR CAT HATES DEVONSHIRE" },
        { "kids", "EARLIER YOU SAID YOUR CAT HATES KIDS" },
        { "abcdefg", "EARLIER YOU SAID YOUR CAT HATES ABCDEFG" },
        { "me", "BUT YOUR CAT HATES YOU" },
        { "Gloucestershire", "BUT YOUR CAT HATES GLOUCESTERSHIRE" },
        { "here", "DOES THAT HAVE ANYTHING TO DO WITH THE FACT THAT YOUR CAT HATES HERE" },
        { "o'clock", "DOES THAT HAVE ANYTHING TO DO WITH THE FACT THAT YOUR CAT HATES O'CLOCK" },
    };
    eliza_script *s = load_doctor();
    char line[100], out[200];
    size_t i;
    for (i = 0; s && i < sizeof v / sizeof v[0]; i++) {
        eliza *e = eliza_new(s);
        snprintf(line, sizeof line, "my cat hates %s.", v[i].word);
        eliza_reply(e, line, strlen(line), out, sizeof out);
        eliza_reply(e, "Okay.", 5, out, sizeof out);
        eliza_reply(e, "Okay.", 5, out, sizeof out);
        expect_str(line, out, v[i].memory);
        eliza_free(e);
    }
    eliza_script_free(s);
}

/* ---- §4: the matcher, seen through one-rule scripts ---- */

/* Each vector becomes a script whose only key has the pattern and replies
 * with every part in ( ); an empty part shows as "( )". A failed match
 * gives the built-in "HMMM" of a first line. */
static void matcher_splits_parts_as_the_notes_say(void)
{
    static const struct { const char *pattern; int nparts; const char *key, *text, *parts; } v[] = {
        { "0 YOU [WANT NEED] 0", 4, "YOU", "YOU NEED NICE FOOD",
          "( ) ( YOU ) ( NEED ) ( NICE FOOD )" },
        { "0 YOUR 0 [FATHER MOTHER] 0", 5, "YOUR", "CONSIDER YOUR AGED MOTHER AND FATHER TOO",
          "( CONSIDER ) ( YOUR ) ( AGED ) ( MOTHER ) ( AND FATHER TOO )" },
        { "0 ITS 0 MARY 1", 5, "ITS", "ITS MARY ITS NOT MARY IT IS MARY TOO",
          "( ) ( ITS ) ( MARY ITS NOT MARY IT IS ) ( MARY ) ( TOO )" },
        { "0 YOU 0 I 0", 5, "YOU", "YOU KNOW THAT I KNOW YOU HATE I AND YOU LIKE I TOO",
          "( ) ( YOU ) ( KNOW THAT ) ( I ) ( KNOW YOU HATE I AND YOU LIKE I TOO )" },
        { "0 I 0 YOU", 4, "I", "I KNOW THAT YOU KNOW I HATE YOU",
          "( ) ( I ) ( KNOW THAT YOU KNOW I HATE ) ( YOU )" },
        { "1 0 2 ITS 0", 5, "ITS", "MARY HAD A LITTLE LAMB ITS PROBABILITY WAS ZERO",
          "( MARY ) ( HAD A ) ( LITTLE LAMB ) ( ITS ) ( PROBABILITY WAS ZERO )" },
        { "0 A 0 A", 4, "A", "X X A X X A X X A", "( X X ) ( A ) ( X X A X X ) ( A )" },
        { "0 A 0 A 0", 5, "A", "X X A X X A X X A", "( X X ) ( A ) ( X X ) ( A ) ( X X A )" },
        { "0 0 1", 3, "HELLO", "HELLO WORLD", "( ) ( HELLO ) ( WORLD )" },
        { "0 0", 2, "HELLO", "HELLO WORLD", "( ) ( HELLO WORLD )" },
        { "2 0 2", 3, "LAST", "FIRST AND LAST TWO WORDS", "( FIRST AND ) ( LAST ) ( TWO WORDS )" },
        { "1 [WANT NEED] 1", 3, "YOU", "YOU WANT NICE FOOD", "HMMM" },
        { "0", 1, "NOTHING", "", "( )" },          /* no words: the none rule */
        { "0 YOUR 0 [/FAMILY] 0", 5, "YOUR", "YOUR MOTHER TAKES CARE OF YOU",
          "( ) ( YOUR ) ( ) ( MOTHER ) ( TAKES CARE OF YOU )" },
        { "0 YOUR 0 [/FAMILY] 0", 5, "YOUR", "MOTHER SAYS YOUR ROOM IS A MESS", "HMMM" },
    };
    char script[600], say[200], out[300];
    size_t i;
    int k;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        eliza_script *s;
        eliza *e;
        say[0] = '\0';
        for (k = 1; k <= v[i].nparts; k++)
            snprintf(say + strlen(say), sizeof say - strlen(say), " ( %d )", k);
        snprintf(script, sizeof script,
                 "greeting TEST\nkey MOTHER tags FAMILY\nkey FATHER tags FAMILY\n"
                 "key %s\n  match %s\n    say%s\nnone\n  match %s\n    say%s\n",
                 v[i].key, v[i].pattern, say, v[i].pattern, say);
        if (!(s = parse(script)))
            continue;
        e = eliza_new(s);
        eliza_reply(e, v[i].text, strlen(v[i].text), out, sizeof out);
        expect_str(v[i].text, out, v[i].parts);
        eliza_free(e);
        eliza_script_free(s);
    }
}

/* ---- conversations, scripts and hostile input ---- */

/* The CACM conversation and the FIFO sequence, one line each in turn:
 * LIMIT, reply counters and memories must not leak between them. */
static void interleaved_conversations_keep_separate_state(void)
{
    static const char *const fifo[] = {
        "My dog is old.", "YOUR DOG IS OLD",
        "My dog is old.", "WHY DO YOU SAY YOUR DOG IS OLD",
        "Okay.", "EARLIER YOU SAID YOUR DOG IS OLD",
        "Okay.", "I AM NOT SURE I UNDERSTAND YOU FULLY",
        "Okay.", "PLEASE GO ON",
        "Okay.", "WHAT DOES THAT SUGGEST TO YOU",
        "Okay.", "EARLIER YOU SAID YOUR DOG IS OLD", NULL
    };
    const char *const *talk[2];
    eliza_script *s = load_doctor();
    eliza *e[2];
    char out[300];
    int at[2] = { 0, 0 }, c;
    if (!s)
        return;
    e[0] = eliza_new(s);
    e[1] = eliza_new(s);
    talk[0] = cacm;
    talk[1] = fifo;
    while (talk[0][at[0]] || talk[1][at[1]])
        for (c = 0; c < 2; c++)
            if (talk[c][at[c]]) {
                const char *line = talk[c][at[c]];
                eliza_reply(e[c], line, strlen(line), out, sizeof out);
                expect_str(line, out, talk[c][at[c] + 1]);
                at[c] += 2;
            }
    eliza_free(e[0]);
    eliza_free(e[1]);
    eliza_script_free(s);
}

static void ignores_a_trailing_crlf(void)
{
    static const char *const t[] = {
        "My boyfriend made me come here.\r\n", "YOUR BOYFRIEND MADE YOU COME HERE",
        "Okay.\r\n", "I AM NOT SURE I UNDERSTAND YOU FULLY",
        "Okay.\n", "DOES THAT HAVE ANYTHING TO DO WITH THE FACT THAT YOUR BOYFRIEND MADE YOU COME HERE",
        NULL
    };
    converse_doctor(t);
}

static void treats_curly_quotes_like_ascii(void)
{
    static const char *const t[] = {
        "I\xE2\x80\x99m depressed.", "I AM SORRY TO HEAR YOU ARE DEPRESSED",
        "\xE2\x80\x9CYou\xE2\x80\x9D talk too much!", "WE WERE DISCUSSING YOU - NOT ME", NULL
    };
    converse_doctor(t);
}

static void answers_a_blank_line_with_none_or_a_memory(void)
{
    static const char *const t[] = {
        "", "I AM NOT SURE I UNDERSTAND YOU FULLY",
        "My dog is old.", "YOUR DOG IS OLD",
        "   ", "EARLIER YOU SAID YOUR DOG IS OLD", NULL
    };
    converse_doctor(t);
}

/* Only the first 32 memories are kept; older ones are recalled first. */
static void memory_queue_keeps_at_most_32(void)
{
    eliza_script *s = load_doctor();
    eliza *e = s ? eliza_new(s) : NULL;
    char out[300];
    int i, recalled = 0;
    if (!e) {
        eliza_script_free(s);
        return;
    }
    for (i = 0; i < 40; i++)
        eliza_reply(e, "My cat hates work.", 18, out, sizeof out);
    for (i = 0; i < 200; i++) {
        eliza_reply(e, "Okay.", 5, out, sizeof out);
        recalled += strcmp(out, "BUT YOUR CAT HATES WORK") == 0;
    }
    expect(recalled == 32, "recalled %d memories, want 32", recalled);
    eliza_free(e);
    eliza_script_free(s);
}

static void survives_hostile_input(void)
{
    static const char nul_bytes[] = "my\0mother\0\0is\0";
    static const char bad_utf8[] = "\xff\xfe my \xc3 \xe2\x80 mother \xed\xa0\x80 \x80";
    static const char *const odd[] = {
        " ", "          ", "?!.,;:\"`", ". , . , BUT , .", "\t\t", "\x1b[2J",
        "0 1 2 3 [ ] ( ) / /FAMILY", "my my my my my my my my my my",
    };
    eliza_script *s = load_doctor();
    eliza *e = s ? eliza_new(s) : NULL;
    char out[512], tiny[5], *big;
    size_t i, n = 100 * 1024;
    if (!e) {
        eliza_script_free(s);
        return;
    }
    big = malloc(n);
    if (expect(big != NULL, "malloc")) {
        for (i = 0; i < n; i++)                /* "i like my mother, i " ... */
            big[i] = "i like my mother, you "[i % 22];
        eliza_reply(e, big, n, out, sizeof out);
        expect(out[0] != '\0', "100 KiB line: empty reply");
        for (i = 0; i < n; i++)
            big[i] = "like "[i % 5];           /* 64 keywords in a row: NEWKEY */
        eliza_reply(e, big, n, out, sizeof out);
        expect(out[0] != '\0', "many keywords: empty reply");
        memset(big, '.', n);
        eliza_reply(e, big, n, out, sizeof out);
        expect(out[0] != '\0', "100 KiB of periods: empty reply");
        free(big);
    }
    eliza_reply(e, nul_bytes, sizeof nul_bytes - 1, out, sizeof out);
    expect(out[0] != '\0', "NUL bytes: empty reply");
    eliza_reply(e, bad_utf8, sizeof bad_utf8 - 1, out, sizeof out);
    expect(out[0] != '\0', "invalid UTF-8: empty reply");
    for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        eliza_reply(e, odd[i], strlen(odd[i]), out, sizeof out);
        expect(out[0] != '\0' && !strchr(out, '\n') && !strchr(out, '\r'),
               "\"%s\": reply \"%s\"", odd[i], out);
    }
    eliza_reply(e, "Sorry.", 6, tiny, sizeof tiny);
    expect(strlen(tiny) < sizeof tiny, "reply overflowed a 5-byte buffer");
    expect(eliza_reply(e, "Sorry.", 6, tiny, 1)[0] == '\0', "1-byte buffer not empty");
    eliza_free(e);
    eliza_script_free(s);
}

static void script_errors_name_the_line(void)
{
    static const struct { const char *script, *error; } v[] = {
        { "greeting HI\nbogus words\n", "line 2: 'bogus' is not" },
        { "greeting HI\nkey A\n  say X\n", "line 3: say must come under a match" },
        { "greeting HI\nkey A\n  match 0 [B C\n    say X\n", "line 3: '[' without ']'" },
        { "greeting HI\nkey A\n  match 0 B]\n    say X\n", "line 3: ']' without '['" },
        { "greeting HI\nkey A\n  match 0 []\n    say X\n", "line 3: empty [ ]" },
        { "greeting HI\nkey A\n  match 0\n    say 2\n", "line 4: part 2, but the pattern has 1 part" },
        { "greeting HI\nkey A\n  match 0\n    goto B\nnone\n  match 0\n    say X\n",
          "line 4: goto B, but there is no key B" },
        { "greeting HI\nkey A\n  match 0\nnone\n  match 0\n    say X\n",
          "line 3: match has no say" },
        { "greeting HI\nkey A rank high\n", "line 2: rank needs a number" },
        { "greeting HI\nkey A becomes\n", "line 2: becomes needs a word" },
        { "greeting HI\nkey A\nkey a\n", "line 3: key A is already defined" },
        { "greeting HI\nkey A tags X goto B tags Y\n", "line 2: 'tags' given twice" },
        { "key A\n  match 0\n    say X\n", "line 3: end of script, but no greeting" },
        { "", "line 1: end of script, but no greeting" },
        { "greeting HI\n# no none\n", "line 2: end of script, but no none" },
        { "greeting HI\nnone\n  match 0\n    goto X\n", "line 4: under none and memory, only say" },
        { "greeting HI\nkey MY\n  match 0\n    say X\nnone\n  match 0\n    say X\n"
          "memory MY\n  match 0\n    say Y\n", "line 8: memory needs 4 matches" },
        { "greeting HI\nnone\n  match 0\n    say X\nmemory ME\n  match 0\n    say A\n"
          "  match 0\n    say B\n  match 0\n    say C\n  match 0\n    say D\n",
          "line 5: memory ME, but there is no key ME" },
        { "greeting HI\nkey A\n  match 0\n    say X\n    newkey now\n", "line 5: expected say" },
    };
    char err[200];
    size_t i;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        eliza_script *s = eliza_script_parse(v[i].script, strlen(v[i].script), err, sizeof err);
        if (expect(s == NULL, "script %d parsed but should not", (int)i))
            expect(strncmp(err, v[i].error, strlen(v[i].error)) == 0,
                   "script %d: got \"%s\", want \"%s...\"", (int)i, err, v[i].error);
        eliza_script_free(s);
    }
    expect(eliza_script_parse("greeting HI\nkey A\0\n", 19, err, sizeof err) == NULL
           && strncmp(err, "line 2: a NUL byte", 18) == 0, "NUL byte: got \"%s\"", err);
    expect(eliza_script_load("no/such/file.script", err, sizeof err) == NULL
           && strstr(err, "no/such/file.script") != NULL, "missing file: got \"%s\"", err);
}

/* The script is data: a different one gives a different ELIZA. */
static void runs_a_custom_script(void)
{
    static const char parrot[] =
        "# a parrot, to show the notation\n"
        "greeting Hello. Polly is listening\n"
        "key CRACKER  rank 5\n"
        "  match 0 CRACKER 0\n"
        "    say polly wants 3 , not 1\n"
        "    say NO MORE CRACKERS\n"
        "key I  becomes YOU\n"
        "  match 0 YOU [LIKE LOVE] 0\n"
        "    pre 4 ARE NICE then ECHO\n"
        "key ECHO\n"
        "  match 1 0\n"
        "    say 1 2 ? SQUAWK\n"
        "key puzzle\n"                  /* lower case is read as capitals, a to z */
        "  match 0 puzzle 0\n"
        "    say what a puzzle 3\n"
        "none\n"
        "  match 0\n"
        "    say SQUAWK\n";
    static const char *const t[] = {
        "I want a cracker now.", "POLLY WANTS NOW , NOT YOU WANT A",
        "I LIKE CRACKERS", "CRACKERS ARE NICE ? SQUAWK",
        "crackers", "SQUAWK",
        "a cracker", "NO MORE CRACKERS",
        "A puzzle, this.", "WHAT A PUZZLE", NULL
    };
    eliza_script *s = parse(parrot);
    if (s)
        expect_str("greeting", eliza_greeting(s), "HELLO. POLLY IS LISTENING");
    converse(s, t);
    eliza_script_free(s);
}

const struct test eliza_tests[] = {
    { "eliza_reproduces_cacm_1966_conversation", reproduces_cacm_1966_conversation },
    { "eliza_greets_with_the_scripts_greeting", greets_with_the_scripts_greeting },
    { "eliza_answers_each_single_line_vector_of_notes_9_1", answers_each_single_line_vector },
    { "eliza_cycles_through_a_patterns_replies_in_turn", cycles_through_a_patterns_replies_in_turn },
    { "eliza_builtin_messages_follow_limit", builtin_messages_follow_limit },
    { "eliza_recalls_a_memory_only_on_limit_4_lines", recalls_a_memory_only_on_limit_4_lines },
    { "eliza_never_recalls_on_a_line_with_a_keyword", never_recalls_on_a_line_with_a_keyword },
    { "eliza_recalls_memories_oldest_first", recalls_memories_oldest_first },
    { "eliza_linked_keywords_share_the_targets_counter", linked_keywords_share_the_targets_counter },
    { "eliza_newkey_falls_through_to_the_next_keyword", newkey_falls_through_to_the_next_keyword },
    { "eliza_rank_ties_go_to_the_bottom_and_my_forms_a_memory",
      rank_ties_go_to_the_bottom_and_my_forms_a_memory },
    { "eliza_forms_no_memory_when_my_is_never_popped", forms_no_memory_when_my_is_never_popped },
    { "eliza_slip_hash_matches_the_notes_vectors", slip_hash_matches_the_notes_vectors },
    { "eliza_memory_choice_follows_the_hash_of_the_last_word",
      memory_choice_follows_the_hash_of_the_last_word },
    { "eliza_matcher_splits_parts_as_the_notes_say", matcher_splits_parts_as_the_notes_say },
    { "eliza_interleaved_conversations_keep_separate_state",
      interleaved_conversations_keep_separate_state },
    { "eliza_ignores_a_trailing_crlf", ignores_a_trailing_crlf },
    { "eliza_treats_curly_quotes_like_ascii", treats_curly_quotes_like_ascii },
    { "eliza_answers_a_blank_line_with_none_or_a_memory", answers_a_blank_line_with_none_or_a_memory },
    { "eliza_memory_queue_keeps_at_most_32", memory_queue_keeps_at_most_32 },
    { "eliza_survives_hostile_input", survives_hostile_input },
    { "eliza_script_errors_name_the_line", script_errors_name_the_line },
    { "eliza_runs_a_custom_script", runs_a_custom_script },
    { 0, 0 }
};
