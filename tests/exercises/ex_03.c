#include "exercise.h"
const struct exercise ex_03[] = {{0, 0, 0}};
