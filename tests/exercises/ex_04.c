#include "exercise.h"
const struct exercise ex_04[] = {{0, 0, 0}};
