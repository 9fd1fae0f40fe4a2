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

/* The uid (@gid false) or gid of process @i, if no earlier process has it. */
static bool new_id(const struct ima_subjects *s, bool gid, size_t i, unsigned long *id)
{
	*id = gid ? s->v[i].gid : s->v[i].uid;
	for (size_t k = 0; k < i; k++)
		if (*id == (gid ? s->v[k].gid : s->v[k].uid))
			return false;
	return true;
}

/* The distinct uids (@gid false) or gids of the modelled processes: "0,1000". */
static void print_ids(FILE *fp, const struct ima_subjects *s, bool gid)
{
	unsigned long id;

	for (size_t i = 0; i < s->n; i++)
		if (new_id(s, gid, i, &id))
			fprintf(fp, "%s%lu", i ? "," : "", id);
}

/* The same as a JSON array; NULL if out of memory. */
static json_t *ids_json(const struct ima_subjects *s, bool gid)
{
	json_t *a = json_array();
	unsigned long id;

	for (size_t i = 0; a && i < s->n; i++)
		if (new_id(s, gid, i, &id) && json_array_append_new(a, json_count(id))) {
			json_decref(a);
			a = NULL;
		}
	return a;
}

int ready_print_header(struct ready *r)
{
	const struct ima_policy *p = &r->policy;
	size_t nappr = 0;
	FILE *fp = stdout;
	bool json = r->fmt == OUT_JSON;
	int ret = 0;

	for (size_t i = 0; i < p->n; i++)
		nappr += p->rules[i].action == IMA_ACT_APPRAISE ||
			 p->rules[i].action == IMA_ACT_DONT_APPRAISE;
	if (json) {
		json_t *hdr = json_pack("{s:o, s:o, s:o, s:o, s:o, s:b}",
					"policy", json_text(p->source, NULL),
					"rules", json_count(p->n),
					"appraisal_rules", json_count(nappr),
					"uids", ids_json(&r->subjects, false),
					"gids", ids_json(&r->subjects, true),
					"evm", r->evm.state.active);

		if (r->policy_note[0])
			json_put(&hdr, "policy_note", json_text(r->policy_note, NULL));
		ret = json_emit(fp, hdr);
	} else {
		fputs("policy: ", fp);
		text_write_name(fp, p->source);
		fprintf(fp, ": %zu rules, %zu about appraisal\n", p->n, nappr);
		if (r->policy_note[0]) {
			fputs("note: policy: ", fp);
			text_write_escaped(fp, r->policy_note);
			fputc('\n', fp);
		}
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
		if (json && !ret) {
			ret = json_emit(fp, json_pack("{s:o, s:i, s:o}",
						      "note", json_text(note, NULL),
						      "line", (int)rule->line,
						      "rule", json_text(rule->text, NULL)));
		} else if (!json) {
			fprintf(fp, "note: line %u: ", rule->line);
			text_write_escaped(fp, rule->text);
			fputs(": ", fp);
			text_write_escaped(fp, note);
			fputc('\n', fp);
		}
	}
	return ret;
}

int ready_print_summary(struct ready *r)
{
	static const int deny[] = {
		CHECK_MISSING, CHECK_STALE, CHECK_BAD_SIGNATURE, CHECK_UNKNOWN_KEY, V_DENY_SIG,
	};
	unsigned long files = 0, denied = 0, other;

	for (int v = 0; v < V__COUNT; v++)
		files += r->counts[v];
	denied = files - r->counts[V_PASS] - r->counts[V_NOT_APPRAISED];
	if (r->fmt == OUT_JSON) {
		json_t *sum = json_object();

		json_put(&sum, "files", json_count(files));
		json_put(&sum, "appraised", json_count(files - r->counts[V_NOT_APPRAISED]));
		json_put(&sum, "not_appraised", json_count(r->counts[V_NOT_APPRAISED]));
		json_put(&sum, "denied", json_count(denied));
		for (int v = 0; v < V_PASS; v++)
			if (v != CHECK_OK)
				json_put(&sum, ready_verdict_name(v), json_count(r->counts[v]));
		json_put(&sum, "assumed", json_count(r->assumed));
		json_put(&sum, "skipped", json_count(r->skipped));
		json_put(&sum, "errors", json_count(r->errors));
		return json_emit(stdout, sum ? json_pack("{s:o}", "summary", sum) : NULL);
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
	for (int v = V_DENY_EVM_MISSING; r->evm.state.active && v <= V_DENY_EVM_INVALID; v++) {
		printf("%lu %s, ", r->counts[v], ready_verdict_name(v));
		other -= r->counts[v];
	}
	printf("%lu other)", other);
	if (r->assumed)
		printf("; %lu decided by assumption", r->assumed);
	if (r->skipped || r->errors)
		printf("; %lu skipped, %lu errors", r->skipped, r->errors);
	putchar('\n');
	return 0;
}
