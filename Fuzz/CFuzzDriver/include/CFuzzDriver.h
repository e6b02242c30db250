#ifndef ROUTERTOP_CFUZZDRIVER_H
#define ROUTERTOP_CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver, linked in only by `-sanitize=fuzzer`: it parses libFuzzer's own options
// and calls `callback` once per input. Declared here because Swift cannot declare a C function.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
