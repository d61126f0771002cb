/* The ground-truth access log: buffered, flushed whenever the chip stops running (end of a run
 * slice, a step, a reset, exit), so a reader sees every access made so far. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accesslog.h"

struct access_log {
	FILE *f;
};

struct access_log *access_log_open(const char *path, char *err, size_t errlen)
{
	struct access_log *log = calloc(1, sizeof(*log));
	if (log)
		log->f = fopen(path, "w");
	if (!log || !log->f) {
		snprintf(err, errlen, "cannot write the access log %s: %s", path, strerror(errno));
		free(log);
		return NULL;
	}
	return log;
}

void access_log_close(struct access_log *log)
{
	if (!log)
		return;
	fclose(log->f);
	free(log);
}

void access_log_access(struct access_log *log, const struct chip_access *a)
{
	fprintf(log->f,
		"{\"step\": %llu, \"pc\": \"0x%08x\", \"op\": \"%c\", \"addr\": \"0x%08x\", \"size\": %u, \"value\": \"0x%0*x\", \"by\": \"%s\"}\n",
		(unsigned long long)a->step, a->pc, a->op, a->addr, a->size, 2 * a->size, a->value,
		a->by == CHIP_BY_INSN ? "insn" : "exception");
}

void access_log_event(struct access_log *log, uint64_t step, const char *fields, va_list ap)
{
	fprintf(log->f, "{\"step\": %llu, ", (unsigned long long)step);
	vfprintf(log->f, fields, ap);
	fputs("}\n", log->f);
}

void access_log_flush(struct access_log *log)
{
	if (log)
		fflush(log->f);
}
