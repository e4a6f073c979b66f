#include "exercise.h"
const struct exercise ex_05[] = {{0, 0, 0}};
