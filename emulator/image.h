/* Loading a firmware or ROM image (ELF by its program headers, or raw binary) into memory. */
#ifndef EMULATOR_IMAGE_H
#define EMULATOR_IMAGE_H

#include "chip_internal.h"

/* An ELF's loadable segments must each fall inside one of the target regions (by physical
 * address); a raw binary goes at bin_base. False with a one-line err otherwise. */
bool image_load(const char *path, uint32_t bin_base, struct region *const *targets, unsigned n_targets, char *err,
		size_t errlen);

#endif
