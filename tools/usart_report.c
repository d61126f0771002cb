#include "usart_report.h"

#include "bj_parts.h"
#include "json_out.h"

static const char *const verdicts[] = {
	[USART_ANSWERED] = "answered",
	[USART_NO_ANSWER] = "no-answer",
	[USART_REFUSED] = "nack",
	[USART_BAD_REPLY] = "bad-reply",
};

static const char *const headlines[] = {
	[USART_ANSWERED] = "a bootloader answered",
	[USART_NO_ANSWER] = "no answer",
	[USART_REFUSED] = "refused",
	[USART_BAD_REPLY] = "bad answer",
};

static const char *const failures[] = {
	[SERIAL_MISSING] = "missing",
	[SERIAL_BUSY] = "busy",
	[SERIAL_PERMISSION] = "permission",
	[SERIAL_UNSUITABLE] = "unsuitable",
	[SERIAL_FAILED] = "failed",
};

enum usart_exit usart_exit_status(const struct usart_run *run)
{
	if (!run->opened)
		return USART_EXIT_CANNOT_OPEN;
	switch (run->check->outcome) {
	case USART_ANSWERED:
		return USART_EXIT_ANSWERED;
	case USART_NO_ANSWER:
		return USART_EXIT_NO_ANSWER;
	case USART_REFUSED:
	case USART_BAD_REPLY:
		break;
	}
	return USART_EXIT_PROTOCOL;
}

/* The parts whose ROM answers Get ID with pid; returns how many (several parts may share a die). */
static size_t parts_with_pid(uint16_t pid, const struct bj_part *found[BJ_N_PARTS])
{
	size_t n = 0;

	for (size_t i = 0; i < BJ_N_PARTS; i++)
		if (bj_parts[i].bootloader_pid == pid)
			found[n++] = &bj_parts[i];
	return n;
}

static const char *framing(const struct usart_run *run)
{
	return run->settings.even_parity ? "8E1" : "8N1";
}

void usart_report_text(FILE *out, const struct usart_run *run)
{
	const struct usart_check *check = run->check;

	if (!run->opened) {
		fprintf(out, "%s\n", run->open_why);
		return;
	}
	fprintf(out, "%s (%u baud %s): ", run->port, run->settings.baud, framing(run));
	if (check->outcome == USART_ANSWERED)
		fprintf(out, "%s\n", headlines[check->outcome]);
	else
		fprintf(out, "%s: %s\n", headlines[check->outcome], check->why);
	if (!check->synchronised)
		return;

	fprintf(out, "  sync:     %s to 0x7F after %.2f ms%s\n",
		check->already_synchronised ? "NACK" : "ACK", check->time_to_ack_ms,
		check->already_synchronised
			? " (already synchronised by an earlier session: still listening)"
			: "");
	if (check->have_get) {
		fprintf(out, "  version:  %u.%u\n", check->get.version >> 4, check->get.version & 0xfu);
		fprintf(out, "  commands:");
		for (unsigned i = 0; i < check->get.n_commands; i++) {
			const char *name = an3155_command_name(check->get.commands[i]);
			fprintf(out, "%s 0x%02x %s", i ? "," : "", check->get.commands[i],
				name ? name : "(unknown to AN3155)");
		}
		fputc('\n', out);
	}
	if (check->have_version)
		fprintf(out, "  options:  0x%02x 0x%02x (Get Version)\n", check->version.option1,
			check->version.option2);
	if (check->have_id) {
		const struct bj_part *parts[BJ_N_PARTS];
		size_t n = parts_with_pid(check->pid, parts);
		fprintf(out, "  PID:      0x%03x", check->pid);
		for (size_t i = 0; i < n; i++)
			fprintf(out, "%s %s (%s)", i ? "," : " =", parts[i]->designator, parts[i]->name);
		fputs(n ? "\n" : " (no part in parts/stm32.json has this PID)\n", out);
	}
}

static void json_hex(FILE *out, unsigned value, int digits)
{
	fprintf(out, "\"0x%0*x\"", digits, value);
}

void usart_report_json(FILE *out, const struct usart_run *run)
{
	const struct usart_check *check = run->check;

	fputs("{\"port\": ", out);
	json_string(out, run->port);
	fprintf(out, ", \"baud\": %u, \"framing\": \"%s\", \"timeout_ms\": %u", run->settings.baud,
		framing(run), run->timeout_ms);
	if (!run->opened) {
		fprintf(out, ", \"verdict\": \"cannot-open\", \"answered\": false, \"open_failure\": "
			     "\"%s\", \"error\": ",
			failures[run->open_failure]);
		json_string(out, run->open_why);
		fputs("}\n", out);
		return;
	}
	fprintf(out, ", \"verdict\": \"%s\", \"answered\": %s, \"error\": ", verdicts[check->outcome],
		check->synchronised ? "true" : "false");
	json_string(out, check->outcome == USART_ANSWERED ? NULL : check->why);
	fprintf(out, ", \"elapsed_ms\": %.3f, \"sync\": ", check->elapsed_ms);
	if (check->synchronised)
		fprintf(out, "{\"answer\": \"%s\", \"attempts\": %u, \"time_to_ack_ms\": %.3f}",
			check->already_synchronised ? "NACK" : "ACK", check->sync_attempts,
			check->time_to_ack_ms);
	else
		fputs("null", out);

	fputs(", \"bootloader_version\": ", out);
	if (check->have_get)
		fprintf(out, "\"%u.%u\"", check->get.version >> 4, check->get.version & 0xfu);
	else
		fputs("null", out);
	fputs(", \"commands\": ", out);
	if (check->have_get) {
		fputc('[', out);
		for (unsigned i = 0; i < check->get.n_commands; i++) {
			fputs(i ? ", {\"code\": " : "{\"code\": ", out);
			json_hex(out, check->get.commands[i], 2);
			fputs(", \"name\": ", out);
			json_string(out, an3155_command_name(check->get.commands[i]));
			fputc('}', out);
		}
		fputc(']', out);
	} else {
		fputs("null", out);
	}
	fputs(", \"option_bytes\": ", out);
	if (check->have_version)
		fprintf(out, "[\"0x%02x\", \"0x%02x\"]", check->version.option1,
			check->version.option2);
	else
		fputs("null", out);
	fputs(", \"pid\": ", out);
	if (check->have_id)
		json_hex(out, check->pid, 3);
	else
		fputs("null", out);
	fputs(", \"parts\": ", out);
	if (check->have_id) {
		const struct bj_part *parts[BJ_N_PARTS];
		size_t n = parts_with_pid(check->pid, parts);
		fputc('[', out);
		for (size_t i = 0; i < n; i++) {
			fputs(i ? ", {\"name\": " : "{\"name\": ", out);
			json_string(out, parts[i]->name);
			fputs(", \"designator\": ", out);
			json_string(out, parts[i]->designator);
			fputc('}', out);
		}
		fputc(']', out);
	} else {
		fputs("null", out);
	}
	fputs("}\n", out);
}
