// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "out.h"
#include "policy.h"

int policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->cwd = getcwd(NULL, 0);
	return p->cwd ? 0 : -1;
}

int policy_add(struct policy *p, const char *path, const uint8_t sha256[32])
{
	struct policy_entry e;
	size_t len;
	int ret = -1;

	if (path[0] == '/') {
		e.path = strdup(path);
	} else {
		while (path[0] == '.' && path[1] == '/')
			path += 2;
		len = strlen(p->cwd) + strlen(path) + 2;
		e.path = malloc(len);
		if (e.path)
			snprintf(e.path, len, "%s%s%s", p->cwd,
				 strcmp(p->cwd, "/") ? "/" : "", path);
	}
	if (!e.path)
		return -1;
	hex_encode(sha256, 32, e.hex);
	pthread_mutex_lock(&p->lock);
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		struct policy_entry *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			goto out;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = e;
	e.path = NULL;
	ret = 0;
out:
	pthread_mutex_unlock(&p->lock);
	free(e.path);
	return ret;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct policy_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : strcmp(x->hex, y->hex);
}

size_t policy_write(struct policy *p, FILE *fp)
{
	size_t invalid = 0;
	char stamp[64] = "";
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	pthread_mutex_lock(&p->lock);
	if (p->n)
		qsort(p->v, p->n, sizeof(*p->v), cmp_entry);
	fprintf(fp, "{\"meta\":{\"version\":1,\"generator\":0,\"timestamp\":\"%s\"},"
		"\"release\":0,\"digests\":{", stamp);
	for (size_t i = 0; i < p->n; i++) {
		bool same = i && !strcmp(p->v[i].path, p->v[i - 1].path);

		if (same) {
			fprintf(fp, ",\"%s\"", p->v[i].hex);
			continue;
		}
		if (i)
			fputs("],", fp);
		if (!json_write_string(fp, p->v[i].path))
			invalid++;
		fprintf(fp, ":[\"%s\"", p->v[i].hex);
	}
	if (p->n)
		fputc(']', fp);
	fputs("},\"excludes\":[],\"keyrings\":{},\"ima\":{\"ignored_keyrings\":[],"
	      "\"log_hash_alg\":\"sha1\",\"dm_policy\":null},\"ima-buf\":{},"
	      "\"verification-keys\":\"\"}\n", fp);
	pthread_mutex_unlock(&p->lock);
	return invalid;
}

void policy_free(struct policy *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].path);
	free(p->v);
	free(p->cwd);
	pthread_mutex_destroy(&p->lock);
}
