/* manifest — manifest.csv, the record of what ran (docs/outputs.md): key,value
 * rows in the order they were added, and the scenario that ran as a
 * directory beside it. Both are parts of an output set (afile.h). */
#ifndef COINSIM_MANIFEST_H
#define COINSIM_MANIFEST_H

#include <stddef.h>
#include <stdio.h>

#include "scenario.h"

/* The version of the model (docs/model.md) the engine implements. */
#define COINSIM_MODEL_VERSION 2

typedef struct manifest manifest;

/* An empty manifest; NULL out of memory. Free with manifest_free. */
manifest *manifest_new(void);
void manifest_free(manifest *m);

/* Append the row key,value (both copied). Out of memory, the row is lost
 * and manifest_failed says so: one check once every row is added. */
void manifest_add(manifest *m, const char *key, const char *value);
void manifest_add_int(manifest *m, const char *key, long long value);
int manifest_failed(const manifest *m);

/* The rows prefix + "scenario_name" and prefix + "scenario_path" of s:
 * its name and its directory as given. */
void manifest_add_scenario(manifest *m, const char *prefix, const scenario *s);

/* The rows seed (s's) and runs (as run: replay runs one, compare with
 * --until-ci as many as it took, whatever s says). */
void manifest_add_runs(manifest *m, const scenario *s, long long runs);

/* The rows prefix + "steps" and prefix + "warmup_steps" of s. */
void manifest_add_steps(manifest *m, const char *prefix, const scenario *s);

/* For afile_part.write: "key,value" and every row of ud (a manifest),
 * each cell CSV-quoted where needed. */
int manifest_write(FILE *f, const void *ud);

/* argv[0..argc) as one line a POSIX shell reads back as the same words:
 * each word as it is when it holds only characters no shell treats
 * specially, else in single quotes (a quote as '\''); malloc'd, NULL out
 * of memory. */
char *manifest_shell_words(int argc, char *const argv[]);

/* What an output's scenario directory is made from: the scenario as it
 * ran, and the comment row of its params.csv. */
typedef struct manifest_scenario {
    const scenario *s;
    const char *comment;
} manifest_scenario;

/* For afile_part.write_dir: scenario_save of ud (a manifest_scenario)
 * into path. 0, or -1 with msg. */
int manifest_save_scenario(const char *path, const void *ud, char *msg, size_t n);

#endif
