// libFuzzer itself is linked by -sanitize=fuzzer; this target only declares its driver for Swift.
#include "CLibFuzzer.h"
