#define _POSIX_C_SOURCE 200809L
#include "csvread.h"

#include <csv.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CELL_MAX (1u << 20) /* one cell larger than 1 MiB is not a table */

typedef struct pending {
    size_t first, n;
    long line;
} pending;

struct csvr {
    FILE *f;
    char *label;
    diag *d;
    struct csv_parser p;
    char *line;
    size_t linecap;
    long lineno;
    int eof, failed;
    int delim_known;  /* the header line was seen */
    int open_comment; /* in a quoted comment before the header */
    char delim;       /* ',' or ';' */

    char *arena; /* cell text, back to back */
    size_t alen, acap;
    size_t *cell; /* offsets of cells in arena */
    size_t ncell, cellcap;
    pending *rows; /* completed rows not yet handed out */
    size_t nrows, rowcap, rowpos;
    size_t cur_first; /* first cell of the row being parsed */
    long cur_line;    /* line that row started on */
    char **view;
    size_t viewcap;
    int oom;
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * size);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

static void on_cell(void *s, size_t len, void *data)
{
    csvr *r = data;
    if (len > CELL_MAX || grow((void **)&r->arena, &r->acap, r->alen + len + 1, 1) < 0 ||
        grow((void **)&r->cell, &r->cellcap, r->ncell + 1, sizeof *r->cell) < 0) {
        r->oom = 1;
        return;
    }
    r->cell[r->ncell++] = r->alen;
    if (len)
        memcpy(r->arena + r->alen, s, len);
    r->alen += len;
    r->arena[r->alen++] = '\0';
}

static void on_row(int c, void *data)
{
    csvr *r = data;
    (void)c;
    if (grow((void **)&r->rows, &r->rowcap, r->nrows + 1, sizeof *r->rows) < 0) {
        r->oom = 1;
        return;
    }
    r->rows[r->nrows].first = r->cur_first;
    r->rows[r->nrows].n = r->ncell - r->cur_first;
    r->rows[r->nrows].line = r->cur_line;
    r->nrows++;
    r->cur_first = r->ncell;
    r->cur_line = r->lineno;
}

csvr *csvr_open(const char *path, const char *label, diag *d)
{
    csvr *r = calloc(1, sizeof *r);
    if (!r) {
        diag_add(d, DIAG_ERROR, label, 0, NULL, "out of memory");
        return NULL;
    }
    r->d = d;
    r->delim = ',';
    r->label = strdup(label);
    r->f = fopen(path, "rb");
    if (!r->f || !r->label) {
        diag_add(d, DIAG_ERROR, label, 0, NULL, "cannot open: %s (expected a readable file)",
                 strerror(errno));
        csvr_close(r);
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(r->f), &st) == 0 && S_ISDIR(st.st_mode)) {
        diag_add(d, DIAG_ERROR, label, 0, NULL, "is a directory (expected a CSV file)");
        csvr_close(r);
        return NULL;
    }
    csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI);
    return r;
}

static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3;
            cp = c & 0x07;
        } else
            return 0;
        if (i + k >= n)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

/* What a line that starts a row is, before the header is known: a
 * comment (first cell, blanks trimmed as libcsv trims them, starting with
 * '#', quoted or not: a spreadsheet quotes a cell holding ';' or '"'),
 * blank (nothing but separators and blanks), or the header. */
enum line_kind { LINE_COMMENT, LINE_QUOTED_COMMENT, LINE_BLANK, LINE_HEADER };

static enum line_kind line_kind(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < len && s[i] == '#')
        return LINE_COMMENT;
    if (i + 1 < len && s[i] == '"' && s[i + 1] == '#')
        return LINE_QUOTED_COMMENT;
    for (; i < len; i++)
        if (!strchr(" \t\r\n,;", s[i]))
            return LINE_HEADER;
    return LINE_BLANK;
}

/* ';' if the header line has more semicolons than commas outside quotes. */
static char header_delim(const char *s, size_t len)
{
    size_t commas = 0, semis = 0;
    int quoted = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && s[i] == ',')
            commas++;
        else if (!quoted && s[i] == ';')
            semis++;
    }
    return semis > commas ? ';' : ',';
}

/* The separator a quoted comment before the header is parsed with: the
 * one right after its closing quote, found from byte i of s inside the
 * quotes. Returns 0 if the quotes do not close on this line. The comment
 * is skipped; this only keeps "# a ""b""";; from being malformed. */
static char after_quote(const char *s, size_t len, size_t i)
{
    for (; i < len; i++) {
        if (s[i] != '"')
            continue;
        if (i + 1 < len && s[i + 1] == '"') {
            i++;
            continue;
        }
        for (i++; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
            ;
        return i < len && s[i] == ';' ? ';' : ',';
    }
    return 0;
}

/* The end of the file: finish the row in progress. Returns -1 on an
 * error reported. */
static int feed_end(csvr *r)
{
    r->eof = 1;
    if (csv_fini(&r->p, on_cell, on_row, r) != 0) {
        diag_add(
            r->d, DIAG_ERROR, r->label, r->cur_line, NULL,
            "unterminated quoted field (a closing \" was expected before the end of the file)");
        return -1;
    }
    return 0;
}

/* Check that the line *s (*len bytes) is UTF-8 text without NULs, and
 * step past a byte order mark on the first line. Returns -1 on an error
 * reported. */
static int check_text(csvr *r, const char **s, size_t *len)
{
    if (r->lineno == 1 && *len >= 2 &&
        (memcmp(*s, "\xFF\xFE", 2) == 0 || memcmp(*s, "\xFE\xFF", 2) == 0)) {
        diag_add(r->d, DIAG_ERROR, r->label, r->lineno, NULL,
                 "text is UTF-16 (expected UTF-8 text; save the file as UTF-8)");
        return -1;
    }
    if (memchr(*s, '\0', *len)) {
        diag_add(r->d, DIAG_ERROR, r->label, r->lineno, NULL,
                 "binary data (a NUL byte) where CSV text was expected");
        return -1;
    }
    if (r->lineno == 1 && *len >= 3 && memcmp(*s, "\xEF\xBB\xBF", 3) == 0) {
        *s += 3;
        *len -= 3;
    }
    if (!valid_utf8((const unsigned char *)*s, *len)) {
        diag_add(r->d, DIAG_ERROR, r->label, r->lineno, NULL,
                 "text is not valid UTF-8 (expected UTF-8 text)");
        return -1;
    }
    return 0;
}

/* Before line s is parsed: note the line a row starts on, and choose the
 * separator while the header is not yet known (or inside a quoted comment
 * spanning lines). */
static void begin_line(csvr *r, const char *s, size_t len)
{
    if (r->p.pstate == 0) { /* ROW_NOT_BEGUN: the next row starts here */
        r->cur_line = r->lineno;
        r->open_comment = 0;
        if (!r->delim_known) {
            /* Comments are read as they always were, with commas, a quoted
             * one with what follows its closing quote; a blank line with
             * its own separator, so that ";;" has no text. */
            enum line_kind k = line_kind(s, len);
            r->delim = k == LINE_COMMENT ? ',' : header_delim(s, len);
            if (k == LINE_QUOTED_COMMENT) {
                char c = after_quote(s, len, (size_t)((const char *)memchr(s, '"', len) - s) + 1);
                r->delim = c ? c : ',';
                r->open_comment = !c;
            }
            csv_set_delim(&r->p, (unsigned char)r->delim);
            r->delim_known = k == LINE_HEADER;
        }
    } else if (r->open_comment) {
        /* A quoted comment spanning lines: its closing quote may be here. */
        char c = after_quote(s, len, 0);
        if (c) {
            r->delim = c;
            csv_set_delim(&r->p, (unsigned char)c);
            r->open_comment = 0;
        }
    }
}

/* Feed one physical line to the parser. Returns -1 on an error reported. */
static int feed_line(csvr *r)
{
    errno = 0;
    ssize_t n = getline(&r->line, &r->linecap, r->f);
    if (n < 0) {
        if (ferror(r->f)) {
            diag_add(r->d, DIAG_ERROR, r->label, r->lineno + 1, NULL, "read error: %s",
                     strerror(errno));
            return -1;
        }
        return feed_end(r);
    }
    r->lineno++;
    const char *s = r->line;
    size_t len = (size_t)n;
    if (check_text(r, &s, &len) < 0)
        return -1;
    begin_line(r, s, len);
    if (csv_parse(&r->p, s, len, on_cell, on_row, r) != len) {
        diag_add(r->d, DIAG_ERROR, r->label, r->lineno, NULL, "malformed quoting (%s)",
                 csv_error(&r->p) == CSV_EPARSE
                     ? "a quote may only open a field or be doubled inside a quoted one"
                     : csv_strerror(csv_error(&r->p)));
        return -1;
    }
    if (r->oom) {
        diag_add(r->d, DIAG_ERROR, r->label, r->lineno, NULL,
                 "out of memory or a cell longer than %u bytes", CELL_MAX);
        return -1;
    }
    return 0;
}

static int skip_row(char **cells, size_t n)
{
    if (n > 0 && cells[0][0] == '#')
        return 1;
    for (size_t i = 0; i < n; i++)
        if (cells[i][0])
            return 0;
    return 1;
}

int csvr_next(csvr *r, csvr_row *row)
{
    if (r->failed)
        return -1;
    for (;;) {
        while (r->rowpos < r->nrows) {
            pending *pr = &r->rows[r->rowpos++];
            if (grow((void **)&r->view, &r->viewcap, pr->n + 1, sizeof *r->view) < 0) {
                diag_add(r->d, DIAG_ERROR, r->label, pr->line, NULL, "out of memory");
                r->failed = 1;
                return -1;
            }
            for (size_t i = 0; i < pr->n; i++)
                r->view[i] = r->arena + r->cell[pr->first + i];
            if (skip_row(r->view, pr->n))
                continue;
            row->n = pr->n;
            row->cells = r->view;
            row->line = pr->line;
            return 1;
        }
        /* Every completed row was handed out: reuse the arena unless a
         * quoted field spanning lines has cells in it already. */
        r->nrows = r->rowpos = 0;
        if (r->cur_first == r->ncell) {
            r->ncell = r->cur_first = 0;
            r->alen = 0;
        }
        if (r->eof)
            return 0;
        if (feed_line(r) < 0) {
            r->failed = 1;
            return -1;
        }
    }
}

char csvr_delim(const csvr *r) { return r->delim_known ? r->delim : ','; }

void csvr_close(csvr *r)
{
    if (!r)
        return;
    if (r->f) {
        csv_free(&r->p);
        fclose(r->f);
    }
    free(r->label);
    free(r->line);
    free(r->arena);
    free(r->cell);
    free(r->rows);
    free(r->view);
    free(r);
}
