#ifndef C_FUNNEL_BUILD_STAMP_H
#define C_FUNNEL_BUILD_STAMP_H

/// The git revision the binary was built from, or "unknown" (a build from a tarball, or without packaging/stamp).
const char *funnel_build_revision(void);

/// When the binary was built, RFC 3339 UTC, or "unknown".
const char *funnel_build_date(void);

/// The Swift compiler version that built it, or "" when the stamp did not record it.
const char *funnel_build_swift_version(void);

#endif
