/* Part lookup over the generated table: a name or alias (any case), or a DEV_ID such as 0x457.
 * F04x and F070x6 share DEV_ID 0x445: a DEV_ID that is not unique asks for the name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "part_lookup.h"

static bool dev_id_of(const char *s, unsigned long *id)
{
	char *end;
	if (strncasecmp(s, "0x", 2) != 0)
		return false;
	*id = strtoul(s + 2, &end, 16);
	return *end == 0 && end != s + 2;
}

const struct bj_part *part_lookup(const char *name, bool *ambiguous)
{
	unsigned long id;
	bool by_id = dev_id_of(name, &id);
	const struct bj_part *found = NULL;
	*ambiguous = false;
	for (unsigned i = 0; i < BJ_N_PARTS; i++) {
		const struct bj_part *p = &bj_parts[i];
		bool match = by_id ? p->dev_id == id : strcasecmp(p->name, name) == 0;
		for (const char *const *a = p->aliases; !by_id && !match && *a; a++)
			match = strcasecmp(*a, name) == 0;
		if (!match)
			continue;
		if (found)
			*ambiguous = true;
		found = p;
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
