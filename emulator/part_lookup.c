/* Part lookup over the generated table, as the parts loader does it (parts/__init__.py): a name or
 * alias (any case), else a DEV_ID in hex ("0x457" or "457"). F04x and F070x6 share DEV_ID 0x445:
 * a DEV_ID that is not unique asks for the name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "part_lookup.h"

static bool dev_id_of(const char *s, unsigned long *id)
{
	if (strncasecmp(s, "0x", 2) == 0)
		s += 2;
	if (!*s || strspn(s, "0123456789abcdefABCDEF") != strlen(s))
		return false;
	*id = strtoul(s, NULL, 16);
	return true;
}

static bool named(const struct bj_part *p, const char *name)
{
	if (strcasecmp(p->name, name) == 0)
		return true;
	for (const char *const *a = p->aliases; *a; a++)
		if (strcasecmp(*a, name) == 0)
			return true;
	return false;
}

const struct bj_part *part_lookup(const char *name, bool *ambiguous)
{
	*ambiguous = false;
	for (unsigned i = 0; i < BJ_N_PARTS; i++)
		if (named(&bj_parts[i], name))
			return &bj_parts[i];
	unsigned long id;
	if (!dev_id_of(name, &id))
		return NULL;
	const struct bj_part *found = NULL;
	for (unsigned i = 0; i < BJ_N_PARTS; i++) {
		if (bj_parts[i].dev_id != id)
			continue;
		if (found)
			*ambiguous = true;
		found = &bj_parts[i];
	}
	return *ambiguous ? NULL : found;
}

void part_names(char *buf, size_t len)
{
	buf[0] = 0;
	for (unsigned i = 0; i < BJ_N_PARTS; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", bj_parts[i].name);
}

void part_names_with_dev_id(const char *name, char *buf, size_t len)
{
	unsigned long id;
	buf[0] = 0;
	if (!dev_id_of(name, &id))
		return;
	for (unsigned i = 0; i < BJ_N_PARTS; i++)
		if (bj_parts[i].dev_id == id)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? ", " : "", bj_parts[i].name);
}
