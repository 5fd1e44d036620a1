// The build stamp: packaging/stamp writes stamp.h (not in git) before a release build; without it, "unknown".
#if __has_include("stamp.h")
#include "stamp.h"
#endif

#ifndef FUNNEL_BUILD_REVISION
#define FUNNEL_BUILD_REVISION "unknown"
#endif
#ifndef FUNNEL_BUILD_DATE
#define FUNNEL_BUILD_DATE "unknown"
#endif
#ifndef FUNNEL_BUILD_SWIFT_VERSION
#define FUNNEL_BUILD_SWIFT_VERSION ""
#endif

#include "CFunnelBuildStamp.h"

const char *funnel_build_revision(void) { return FUNNEL_BUILD_REVISION; }

const char *funnel_build_date(void) { return FUNNEL_BUILD_DATE; }

const char *funnel_build_swift_version(void) { return FUNNEL_BUILD_SWIFT_VERSION; }
