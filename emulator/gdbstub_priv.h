/* Internals shared by the GDB stub's files (not part of the contract in gdbstub.h):
 *   gdbstub.c          connection, packet dispatch, registers, memory, breakpoints, run control
 *   gdbstub_tdesc.c    the register table, target description and memory map, from chip_part()
 *   gdbstub_break.c    breakpoints and watchpoints on the FPB and DWT comparators
 *   gdbstub_flash.c    vFlashErase/vFlashWrite/vFlashDone
 *   gdbstub_monitor.c  qRcmd: the monitor command table, including the tracer's bj-step
 */
#ifndef EMULATOR_GDBSTUB_PRIV_H
#define EMULATOR_GDBSTUB_PRIV_H

#include "gdbstub.h"
#include "rsp.h"

/* One register of the target description; the same table drives g/G/p/P, the expedited
 * registers of stop replies and the register names bj-step prints. */
struct gdb_reg {
	const char *name;
	unsigned regnum; /* GDB's number: xpsr is 25 because 16-24 were the legacy FPA registers */
	enum chip_reg reg;
	const char *feature;
	const char *type; /* NULL: a plain 32-bit integer */
	bool v7m_only;    /* BASEPRI and FAULTMASK exist on ARMv7-M, not on ARMv6-M (M0/M0+) */
};

#define GDBSTUB_MAX_BPS 16 /* more than any core's FPB; the chip refuses beyond its own count */
#define GDBSTUB_MAX_WPS 16

struct gdbstub_bp {
	uint32_t addr;
	unsigned refs; /* Z0 and Z1 at one address share one comparator */
	int dwt;       /* the DWT comparator matching it, GDBSTUB_BP_FPB, or GDBSTUB_BP_NONE */
};
#define GDBSTUB_BP_FPB (-1)
#define GDBSTUB_BP_NONE (-2) /* lost: a reset took its comparator and none was free again */

struct gdbstub_wp {
	uint32_t addr, len;
	enum chip_wp_kind kind;
};

/* Data from vFlashWrite, programmed at vFlashDone so that writes GDB splits anywhere still
 * program whole flash words (see gdbstub_flash.c). */
struct gdbstub_flash {
	uint8_t *data;  /* the part's flash size, allocated by the first vFlashWrite */
	uint8_t *valid; /* one byte per flash byte: written since the last vFlashDone */
	bool pending;
};

struct gdbstub {
	struct chip *chip;
	int listen_fd;
	int client_fd;
	uint16_t port;
	bool no_ack;
	bool waiting;     /* GDB resumed the chip and waits for a stop reply */
	bool interrupted; /* Ctrl-C ended that wait */
	bool quit;
	bool observing;   /* bj-step's access observer is installed (see gdbstub_monitor.c) */

	const struct gdb_reg *regs[CHIP_NREGS]; /* this core's registers, in regnum order */
	unsigned n_regs;
	char target_xml[3072];
	size_t target_xml_len;
	char memory_map[2048];
	size_t memory_map_len;

	struct gdbstub_bp bps[GDBSTUB_MAX_BPS];
	unsigned n_bps;
	struct gdbstub_wp wps[GDBSTUB_MAX_WPS];
	unsigned n_wps;
	struct gdbstub_flash flash;

	struct rsp_reader reader;
	uint8_t frame[RSP_PACKET_MAX + 16]; /* the last packet sent, resent on '-' */
	size_t frame_len;
	char reply[RSP_PACKET_MAX + 1];    /* room to build a reply payload */
};

/* gdbstub.c */
void gdbstub_send(struct gdbstub *stub, const void *payload, size_t len);
void gdbstub_send_str(struct gdbstub *stub, const char *payload);
/* The fuzz target's and the tests' way in: a client on any fd, and bytes as if it sent them. */
void gdbstub_adopt_client(struct gdbstub *stub, int fd);
void gdbstub_input(struct gdbstub *stub, const uint8_t *buf, size_t len);
void gdbstub_drop_client(struct gdbstub *stub);

/* gdbstub_break.c: 0, or -1 when no comparator can take it (or removing what is not there). */
bool gdbstub_is_breakpoint(const struct gdbstub *stub, uint32_t addr);
int gdbstub_bp_insert(struct gdbstub *stub, uint32_t addr);
int gdbstub_bp_remove(struct gdbstub *stub, uint32_t addr);
int gdbstub_wp_insert(struct gdbstub *stub, uint32_t addr, uint32_t len, enum chip_wp_kind kind);
int gdbstub_wp_remove(struct gdbstub *stub, uint32_t addr, uint32_t len, enum chip_wp_kind kind);
/* After a reset the comparators are programmed again from the tables, as OpenOCD does. */
void gdbstub_restore_comparators(struct gdbstub *stub);
void gdbstub_release_comparators(struct gdbstub *stub);

/* gdbstub_tdesc.c */
void gdbstub_tdesc_init(struct gdbstub *stub);
const struct gdb_reg *gdbstub_reg_by_regnum(const struct gdbstub *stub, unsigned regnum);

/* gdbstub_flash.c */
void gdbstub_flash_erase(struct gdbstub *stub, const char *args);
void gdbstub_flash_write(struct gdbstub *stub, const char *args, size_t len);
void gdbstub_flash_done(struct gdbstub *stub);
void gdbstub_flash_discard(struct gdbstub *stub);

/* gdbstub_monitor.c: cmd is the decoded qRcmd text; output goes out in O packets, then OK/E01. */
void gdbstub_monitor(struct gdbstub *stub, const char *cmd);
/* Before the chip runs freely: take bj-step's access observer away so the chip runs at speed. */
void gdbstub_stop_observing(struct gdbstub *stub);

#endif
