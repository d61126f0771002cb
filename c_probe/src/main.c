/* After the reset handler: report the record on the UART, one fact per line, then run what the
 * mailbox or the compiled-in default asks for, else serve one-letter commands. */
#include "probe.h"

static void say(const char *key, const char *value)
{
	bj_uart_puts(key);
	bj_uart_puts(": ");
	bj_uart_puts(value);
	bj_uart_puts("\n");
}

static void say_fact(void *ctx, const char *key, const char *value)
{
	(void)ctx;
	say(key, value);
}

static void report(const struct bj_record *r)
{
	say("part", BJ_PART_NAME);
	say("default", bj_recipe_name(BJ_PROBE_DEFAULT_RECIPE));
	bj_record_facts(r, say_fact, NULL);
}

static void run(struct bj_record *r, unsigned recipe, unsigned options, unsigned param)
{
	say("run", bj_recipe_name(recipe));
	/* The de-init resets the USART: the line must be out before. */
	bj_uart_flush();
	const char *why = bj_recipe_run(r, recipe, options, param);
	say("refused", why);
}

/* The mailbox is taken once: cleared before the recipe starts, so a reset does not repeat it. */
static bool take_mailbox(struct bj_record *r)
{
	if (bj_mailbox.magic != BJ_MAILBOX_MAGIC)
		return false;
	unsigned recipe = bj_mailbox.recipe, options = bj_mailbox.options, param = bj_mailbox.param;
	bj_mailbox.magic = 0;
	run(r, recipe, options, param);
	return true;
}

/* ------------------------------------------------------------------ UART commands */

/* Options for the next recipe command only (! sets destructive). */
static unsigned next_options;

static void help_line(char letter, const char *name, const char *about)
{
	char head[3] = {letter, ' ', '\0'};
	bj_uart_puts("help: ");
	bj_uart_puts(head);
	bj_uart_puts(name);
	bj_uart_puts(": ");
	bj_uart_puts(about);
	bj_uart_puts("\n");
}

static void cmd_help(struct bj_record *r)
{
	(void)r;
#define BJ_HELP_RECIPE(UP, low, name, letter, destructive, about) help_line(letter, name, about);
	BJ_RECIPES(BJ_HELP_RECIPE)
#define BJ_HELP_COMMAND(UP, low, letter, about) help_line(letter, #low, about);
	BJ_COMMANDS(BJ_HELP_COMMAND)
}

static void cmd_report(struct bj_record *r)
{
	report(r);
}

static void cmd_destructive(struct bj_record *r)
{
	(void)r;
	next_options |= BJ_OPT_DESTRUCTIVE;
	say("options", "destructive, for the next recipe");
}

struct bj_command {
	char letter;
	void (*fn)(struct bj_record *r);
};

static const struct bj_command commands[] = {
#define BJ_COMMAND_ENTRY(UP, low, letter, about) {letter, cmd_##low},
	BJ_COMMANDS(BJ_COMMAND_ENTRY)
};

static const char recipe_letters[BJ_RECIPE_COUNT] = {
#define BJ_RECIPE_LETTER(UP, low, name, letter, destructive, about) [BJ_RECIPE_##UP] = letter,
	BJ_RECIPES(BJ_RECIPE_LETTER)
};

static void command(struct bj_record *r, char c)
{
	if (c == '\r' || c == '\n' || c == ' ')
		return;
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (commands[i].letter == c) {
			commands[i].fn(r);
			return;
		}
	}
	for (unsigned code = BJ_RECIPE_NONE + 1u; code < BJ_RECIPE_COUNT; code++) {
		if (recipe_letters[code] == c) {
			unsigned options = next_options;
			next_options = 0;
			run(r, code, options, 0);
			return;
		}
	}
	char text[] = "unknown command 'x': ? lists the commands";
	text[sizeof("unknown command '") - 1u] = c;
	say("error", text);
}

void bj_main(struct bj_record *r)
{
	bj_uart_init();
	report(r);
	bj_uart_flush();
	bj_recipe_resume(r);
	if (!take_mailbox(r) && BJ_PROBE_DEFAULT_RECIPE != BJ_RECIPE_NONE && r->f[BJ_REC_RECIPE] == BJ_RECIPE_NONE)
		run(r, BJ_PROBE_DEFAULT_RECIPE, 0, 0);
	say("ready", "? lists the commands");
	for (;;) {
		take_mailbox(r);
		int c = bj_uart_getc();
		if (c >= 0)
			command(r, (char)c);
	}
}
