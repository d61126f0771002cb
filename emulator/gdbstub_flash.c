/* GDB's flash loader packets (GDB manual, "Packets": vFlashErase, vFlashWrite, vFlashDone), used by
 * `load` for the regions the memory map types as flash.
 *
 * GDB may split its writes anywhere, while the flash programs whole words (program_bytes in the
 * part table: 4 on L0, 8 on G0/L4) and a word can be programmed only once after an erase. So the
 * data is collected and programmed at vFlashDone, each run padded to whole words with what the
 * flash holds now, as the GDB manual allows ("the stub may delay the actual flash programming
 * operation until the vFlashDone").
 */
#include <stdlib.h>
#include <string.h>

#include "gdbstub_priv.h"

static bool in_flash(const struct bj_part *part, uint32_t addr, uint32_t len)
{
	return addr >= part->flash.base && len <= part->flash.size &&
	       addr - part->flash.base <= part->flash.size - len;
}

void gdbstub_flash_discard(struct gdbstub *stub)
{
	free(stub->flash.data);
	free(stub->flash.valid);
	stub->flash = (struct gdbstub_flash){0};
}

static bool program_pending(struct gdbstub *stub)
{
	const struct bj_part *part = chip_part(stub->chip);
	struct gdbstub_flash *f = &stub->flash;
	uint32_t unit = part->program_bytes ? part->program_bytes : 1;
	bool ok = true;

	if (!f->pending)
		return true;
	for (uint32_t off = 0; off < part->flash.size && ok;) {
		if (!f->valid[off]) {
			off++;
			continue;
		}
		uint32_t start = off - off % unit, end = off;
		while (end < part->flash.size && (f->valid[end] || end % unit))
			end++;
		for (uint32_t i = start; i < end && ok; i++)
			if (!f->valid[i])
				ok = chip_mem_read(stub->chip, part->flash.base + i, &f->data[i], 1) == 0;
		ok = ok && chip_flash_program(stub->chip, part->flash.base + start, f->data + start, end - start) == 0;
		off = end;
	}
	gdbstub_flash_discard(stub);
	return ok;
}

void gdbstub_flash_erase(struct gdbstub *stub, const char *args)
{
	struct rsp_args a = rsp_args(args);
	uint32_t addr = rsp_arg_hex(&a), len;

	rsp_arg_char(&a, ',');
	len = rsp_arg_hex(&a);
	if (!rsp_args_end(&a) || !in_flash(chip_part(stub->chip), addr, len) || !program_pending(stub) ||
	    chip_flash_erase(stub->chip, addr, len) != 0) {
		gdbstub_send_str(stub, "E01");
		return;
	}
	gdbstub_send_str(stub, "OK");
}

void gdbstub_flash_write(struct gdbstub *stub, const char *args, size_t len)
{
	const struct bj_part *part = chip_part(stub->chip);
	struct gdbstub_flash *f = &stub->flash;
	struct rsp_args a = rsp_args(args);
	uint32_t addr = rsp_arg_hex(&a);

	rsp_arg_char(&a, ':');
	uint8_t *data = (uint8_t *)a.p;
	size_t dlen = a.ok ? len - (size_t)(a.p - args) : 0;
	if (!a.ok || !rsp_unescape(data, &dlen) || !in_flash(part, addr, (uint32_t)dlen)) {
		gdbstub_send_str(stub, "E01");
		return;
	}
	if (!f->data) {
		f->data = malloc(part->flash.size);
		f->valid = calloc(part->flash.size, 1);
		if (!f->data || !f->valid) {
			gdbstub_flash_discard(stub);
			gdbstub_send_str(stub, "E01");
			return;
		}
	}
	uint32_t off = addr - part->flash.base;
	memcpy(f->data + off, data, dlen);
	memset(f->valid + off, 1, dlen);
	f->pending = f->pending || dlen > 0;
	gdbstub_send_str(stub, "OK");
}

void gdbstub_flash_done(struct gdbstub *stub)
{
	gdbstub_send_str(stub, program_pending(stub) ? "OK" : "E01");
}
