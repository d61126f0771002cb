/* ELF32 (ARM, little-endian) or raw binary images. ELF segments are placed by their physical
 * (load) address, as a flash programmer would: .data's initial values land in flash. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

static bool read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return false;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			fclose(f);
			snprintf(err, errlen, "out of memory reading %s", path);
			return false;
		}
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
		uint8_t *bigger = realloc(buf, cap);
		if (!bigger)
			free(buf);
		buf = bigger;
	}
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		free(buf);
		snprintf(err, errlen, "cannot read %s", path);
		return false;
	}
	*data = buf;
	*len = n;
	return true;
}

static struct region *target_for(struct region *const *targets, unsigned n, uint32_t addr, uint32_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (targets[i]->size && addr >= targets[i]->base && (uint64_t)addr + len <= (uint64_t)targets[i]->base + targets[i]->size)
			return targets[i];
	return NULL;
}

static void describe_targets(struct region *const *targets, unsigned n, char *buf, size_t len)
{
	buf[0] = 0;
	for (unsigned i = 0; i < n; i++)
		if (targets[i]->size)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s0x%08x..0x%08x", buf[0] ? " or " : "", targets[i]->base,
				 targets[i]->base + targets[i]->size - 1);
}

static bool load_elf(const char *path, const uint8_t *data, size_t len, struct region *const *targets, unsigned n,
		     char *err, size_t errlen)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)data;
	if (len < sizeof(*eh) || eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_ARM) {
		snprintf(err, errlen, "%s is not a 32-bit little-endian ARM ELF file", path);
		return false;
	}
	if (eh->e_phoff > len || (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > len - eh->e_phoff) {
		snprintf(err, errlen, "%s: truncated ELF program headers", path);
		return false;
	}
	unsigned loaded = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf32_Phdr ph;
		memcpy(&ph, data + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_filesz == 0)
			continue;
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset) {
			snprintf(err, errlen, "%s: segment %u lies beyond the end of the file", path, i);
			return false;
		}
		struct region *r = target_for(targets, n, ph.p_paddr, ph.p_filesz);
		if (!r) {
			char where[128];
			describe_targets(targets, n, where, sizeof(where));
			snprintf(err, errlen, "%s: segment at 0x%08x (%u bytes) is outside %s; link it for this part",
				 path, ph.p_paddr, ph.p_filesz, where);
			return false;
		}
		memcpy(r->mem + (ph.p_paddr - r->base), data + ph.p_offset, ph.p_filesz);
		loaded++;
	}
	if (!loaded) {
		snprintf(err, errlen, "%s has no loadable segment", path);
		return false;
	}
	return true;
}

bool image_load(const char *path, uint32_t bin_base, struct region *const *targets, unsigned n_targets, char *err,
		size_t errlen)
{
	uint8_t *data;
	size_t len;
	if (!read_file(path, &data, &len, err, errlen))
		return false;
	bool ok;
	if (len >= 4 && memcmp(data, ELFMAG, SELFMAG) == 0) {
		ok = load_elf(path, data, len, targets, n_targets, err, errlen);
	} else {
		struct region *r = target_for(targets, n_targets, bin_base, (uint32_t)len);
		ok = r && len <= UINT32_MAX && len > 0;
		if (ok)
			memcpy(r->mem + (bin_base - r->base), data, len);
		else if (len == 0)
			snprintf(err, errlen, "%s is empty", path);
		else
			snprintf(err, errlen, "%s is %zu bytes: larger than the %u bytes at 0x%08x", path, len,
				 targets[0]->size, bin_base);
	}
	free(data);
	return ok;
}
