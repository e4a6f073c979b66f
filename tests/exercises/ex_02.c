#include "exercise.h"
const struct exercise ex_02[] = {{0, 0, 0}};
