#include "exercise.h"
const struct exercise ex_06[] = {{0, 0, 0}};
