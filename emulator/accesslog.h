/* The ground-truth access log (--access-log FILE): one JSON object per line, format fixed in
 * docs/architecture.md ("Access log"). */
#ifndef EMULATOR_ACCESSLOG_H
#define EMULATOR_ACCESSLOG_H

#include <stdarg.h>
#include <stddef.h>

#include "chip.h"

struct access_log;

struct access_log *access_log_open(const char *path, char *err, size_t errlen);
void access_log_close(struct access_log *log);
void access_log_access(struct access_log *log, const struct chip_access *a);
/* {"step": N, <fields>}: fields is a printf format for the rest of the object's members. */
void access_log_event(struct access_log *log, uint64_t step, const char *fields, va_list ap);
void access_log_flush(struct access_log *log);

#endif
