/* afile — output files written atomically, and the directories they go in.
 *
 * Each file is written under a temporary name in the same directory,
 * flushed to disk and renamed only when all of a set are complete, so a
 * failure never leaves a half-written file under a final name and never
 * truncates an earlier result. The one writer of every output of coinsim:
 * results, event logs and saved scenarios. A set may also hold
 * directories (the scenario that ran): each is made under a hidden
 * temporary name and swapped in with the files. */
#ifndef COINSIM_AFILE_H
#define COINSIM_AFILE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

/* Make dir (and its parents) if needed and prove a file can be created in
 * it. Returns 0, or -1 with the reason in msg. Call before simulating. */
int afile_prepare_dir(const char *dir, char *msg, size_t n);

/* The outermost directory afile_prepare_dir(dir) would create (dir or
 * one of its parents; malloc'd), or NULL if dir exists already. */
char *afile_missing_root(const char *dir);

/* Undo afile_prepare_dir after a failure: remove dir and its parents up
 * to root (from afile_missing_root), each only if empty. */
void afile_unprepare_dir(const char *dir, const char *root);

/* An output file under construction. */
typedef struct afile {
    FILE *f;
    char *tmp, *final;
    int slot; /* its place in the list of temporary files, or -1 */
} afile;

/* Interruption. afile_watch(flag): from then on a set *flag makes
 * afile_open and afile_finish fail ("interrupted"), so nothing further
 * takes a final name (nor a temporary one). afile_remove_temps unlinks
 * every temporary file still open that it knows of, and removes the
 * temporary directories of afile_write_set with what is in them, and
 * returns 0, or -1 if some (past AFILE_MAX_TEMPS
 * names at once, caught between creation and listing, or written into a
 * directory part whose writer has not yet returned) may remain; it is
 * async-signal-safe, for a handler that must end the process at once.
 * Files are opened, renamed and aborted from one thread only. */
#define AFILE_MAX_TEMPS 64
void afile_watch(atomic_int *flag);
int afile_remove_temps(void);

/* Open dir/name for atomic writing. Returns 0 or -1 (msg). */
int afile_open(afile *a, const char *dir, const char *name, char *msg, size_t n);
/* Flush, fsync, close and rename into place. Returns 0 or -1 (msg). */
int afile_commit(afile *a, char *msg, size_t n);
/* Flush, fsync and close, leaving the temporary file; 0 or -1 (msg),
 * also when the watched flag is set. */
int afile_finish(afile *a, char *msg, size_t n);
/* Rename a finished file into place. */
int afile_rename(afile *a, char *msg, size_t n);
/* Close and remove the temporary file; safe on a closed or empty afile. */
void afile_abort(afile *a);

/* Whether the flag given to afile_watch is set. */
int afile_interrupted(void);

/* Give finished files a[0..nfiles) in directory dir their final names, all
 * or none: refused if a final name is there and not a plain file, or if
 * interrupted; SIGINT and SIGTERM are held back while they are renamed,
 * so an interruption finds the set all old or all new, then the directory
 * is synced. Returns 0 or -1 (msg). */
int afile_rename_all(const char *dir, afile *a, size_t nfiles, char *msg, size_t n);

/* One part of a set of outputs, named name in the directory: a file that
 * write(f, ud) writes (0, or -1 when it could not write all of it: out of
 * memory), or a directory that write_dir(path, ud, msg, n) makes and fills
 * (path's last part is name; 0, or -1 with msg); or, with neither, a name
 * that goes with the set: an older plain file of that name is removed when
 * the set takes its names (a page made from older files, say). */
typedef struct afile_part {
    const char *name;
    int (*write)(FILE *f, const void *ud);
    int (*write_dir)(const char *path, const void *ud, char *msg, size_t n);
    const void *ud;
} afile_part;

/* Write parts[0..nparts) into dir, all or none, as afile_rename_all: each
 * file under a temporary name, each directory inside a hidden temporary
 * directory .NAME.XXXXXX; then, signals held, an older directory of a
 * part's name is moved aside and the new one put in place (every
 * directory, or if one cannot be, none), the files are renamed, and the
 * older directories removed. A final name of the other kind (a directory where a file goes,
 * or the reverse) refuses the set. On failure or interruption every
 * temporary name is removed and nothing is replaced. Returns 0 or -1 (msg). */
int afile_write_set(const char *dir, const afile_part *parts, size_t nparts, char *msg, size_t n);

/* fsync directory dir, so that renames into it last. */
void afile_sync_dir(const char *dir);

/* From now on nothing is written: the ranks of an MPI job other than
 * rank 0 (dist.h), which run the same command, call this. Every call
 * above then succeeds without touching the file system (a file opened is
 * /dev/null; a set writes none of its parts). afile_muted says whether. */
void afile_mute(void);
int afile_muted(void);

/* Tests only: the k-th directory part put in place from now on (1 the
 * next) fails as a busy mount point would (0: none). */
void afile_test_fail_swap(int k);

#endif
