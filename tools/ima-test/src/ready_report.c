// SPDX-License-Identifier: GPL-2.0-only
/* The header and summary of `ima-test ready`. */
#include <stdio.h>

#include "ready.h"
#include "util.h"

const char *ready_verdict_name(int v)
{
	switch (v) {
	case V_DENY_SIG: return "signature-required";
	case V_DENY_ALGO: return "algorithm-not-allowed";
	case V_DENY_VERITY: return "verity-required";
	case V_DENY_SIGV3: return "sigv3-required";
	case V_DENY_WRITE: return "write-refused";
	case V_DENY_EVM_MISSING: return "evm-missing";
	case V_DENY_EVM_INVALID: return "evm-invalid";
	case V_PASS: return "ok";
	case V_NOT_APPRAISED: return "not-appraised";
	default: return check_class_name((enum check_class)v);
	}
}

/* The distinct uids (@gid false) or gids of the modelled processes: "0,1000". */
static void print_ids(FILE *fp, const struct ima_subjects *s, bool gid)
{
	for (size_t i = 0; i < s->n; i++) {
		unsigned long id = gid ? s->v[i].gid : s->v[i].uid;
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = id == (gid ? s->v[k].gid : s->v[k].uid);
		if (!seen)
			fprintf(fp, "%s%lu", i ? "," : "", id);
	}
}

void ready_print_header(struct ready *r)
{
	const struct ima_policy *p = &r->policy;
	size_t nappr = 0;
	FILE *fp = stdout;
	bool json = r->fmt == OUT_JSON;

	for (size_t i = 0; i < p->n; i++)
		nappr += p->rules[i].action == IMA_ACT_APPRAISE ||
			 p->rules[i].action == IMA_ACT_DONT_APPRAISE;
	if (json) {
		fputs("{\"policy\":", fp);
		json_write_string(fp, p->source);
		fprintf(fp, ",\"rules\":%zu,\"appraisal_rules\":%zu,\"uids\":[", p->n, nappr);
		print_ids(fp, &r->subjects, false);
		fputs("],\"gids\":[", fp);
		print_ids(fp, &r->subjects, true);
		fprintf(fp, "],\"evm\":%s}\n", r->evm.active ? "true" : "false");
	} else {
		fputs("policy: ", fp);
		text_write_name(fp, p->source);
		fprintf(fp, ": %zu rules, %zu about appraisal\n", p->n, nappr);
		fputs("accesses:", fp);
		if (r->kinds & IMA_ACCESS_KIND_READ)
			fputs(" open for read;", fp);
		if (r->kinds & IMA_ACCESS_KIND_WRITE)
			fputs(" open for write unless mounted read-only or immutable;", fp);
		if (r->kinds & IMA_ACCESS_KIND_MMAP)
			fputs(r->map_any ? " mmap for exec of every file unless mounted noexec;" :
			      " mmap for exec of ELF files and files with an execute bit unless"
			      " mounted noexec;", fp);
		if (r->kinds & IMA_ACCESS_KIND_EXEC)
			fputs(" exec of files with an execute bit;", fp);
		fputs(" by uid ", fp);
		print_ids(fp, &r->subjects, false);
		fputs(" gid ", fp);
		print_ids(fp, &r->subjects, true);
		fputs("\nevm: ", fp);
		text_write_escaped(fp, r->evm.note);
		if (r->evm.xattrs_note[0]) {
			fputs("; ", fp);
			text_write_escaped(fp, r->evm.xattrs_note);
		}
		fputc('\n', fp);
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct ima_rule *rule = &p->rules[i];
		char note[512];

		if (rule->action != IMA_ACT_APPRAISE && rule->action != IMA_ACT_DONT_APPRAISE)
			continue;
		if (!ima_rule_in_scope(rule))
			snprintf(note, sizeof(note), "applies to no access checked here");
		else if (rule->unevaluable[0])
			snprintf(note, sizeof(note), "cannot evaluate %s: assumed to %s",
				 rule->unevaluable, rule->action == IMA_ACT_APPRAISE ?
				 "match (the file is checked)" : "not match");
		else if (rule->verity_required && rule->action == IMA_ACT_APPRAISE)
			snprintf(note, sizeof(note), "digest_type=verity appraise_type=sigv3: a file "
				 "without fs-verity is denied, and so is a digest or a v2 "
				 "signature; an fs-verity signature (type 06) is checked against "
				 "the file's fs-verity digest");
		else if (rule->unchecked[0])
			snprintf(note, sizeof(note), "not checked: %s", rule->unchecked);
		else if (rule->has_fsuuid)
			snprintf(note, sizeof(note),
				 "fsuuid is read from each file system (FS_IOC_GETFSUUID); "
				 "where it cannot be, the rule is assumed to %s",
				 rule->action == IMA_ACT_APPRAISE ? "match" : "not match");
		else
			continue;
		if (json) {
			fprintf(fp, "{\"note\":");
			json_write_string(fp, note);
			fprintf(fp, ",\"line\":%u,\"rule\":", rule->line);
			json_write_string(fp, rule->text);
			fputs("}\n", fp);
		} else {
			fprintf(fp, "note: line %u: ", rule->line);
			text_write_escaped(fp, rule->text);
			fputs(": ", fp);
			text_write_escaped(fp, note);
			fputc('\n', fp);
		}
	}
}

void ready_print_summary(struct ready *r)
{
	static const int deny[] = {
		CHECK_MISSING, CHECK_STALE, CHECK_BAD_SIGNATURE, CHECK_UNKNOWN_KEY, V_DENY_SIG,
	};
	unsigned long files = 0, denied = 0, other;

	for (int v = 0; v < V__COUNT; v++)
		files += r->counts[v];
	denied = files - r->counts[V_PASS] - r->counts[V_NOT_APPRAISED];
	if (r->fmt == OUT_JSON) {
		printf("{\"summary\":{\"files\":%lu,\"appraised\":%lu,\"not_appraised\":%lu,"
		       "\"denied\":%lu", files, files - r->counts[V_NOT_APPRAISED],
		       r->counts[V_NOT_APPRAISED], denied);
		for (int v = 0; v < V_PASS; v++)
			if (v != CHECK_OK)
				printf(",\"%s\":%lu", ready_verdict_name(v), r->counts[v]);
		printf(",\"assumed\":%lu,\"skipped\":%lu,\"errors\":%lu}}\n",
		       r->assumed, r->skipped, r->errors);
		return;
	}
	other = denied;
	printf("summary: %lu files: %lu appraised, %lu not appraised; enforce would deny %lu (",
	       files, files - r->counts[V_NOT_APPRAISED], r->counts[V_NOT_APPRAISED], denied);
	for (size_t i = 0; i < ARRAY_SIZE(deny); i++) {
		printf("%lu %s, ", r->counts[deny[i]], ready_verdict_name(deny[i]));
		other -= r->counts[deny[i]];
	}
	if (r->kinds & IMA_ACCESS_KIND_WRITE) {
		printf("%lu %s, ", r->counts[V_DENY_WRITE], ready_verdict_name(V_DENY_WRITE));
		other -= r->counts[V_DENY_WRITE];
	}
	for (int v = V_DENY_VERITY; r->verity && v <= V_DENY_SIGV3; v++) {
		printf("%lu %s, ", r->counts[v], ready_verdict_name(v));
		other -= r->counts[v];
	}
	for (int v = V_DENY_EVM_MISSING; r->evm.active && v <= V_DENY_EVM_INVALID; v++) {
		printf("%lu %s, ", r->counts[v], ready_verdict_name(v));
		other -= r->counts[v];
	}
	printf("%lu other)", other);
	if (r->assumed)
		printf("; %lu decided by assumption", r->assumed);
	if (r->skipped || r->errors)
		printf("; %lu skipped, %lu errors", r->skipped, r->errors);
	putchar('\n');
}
