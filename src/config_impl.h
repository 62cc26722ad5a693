/*
 * config_impl.h - what the files of the config share: the key table's
 * types (config_keys.c holds the table; config.c reads the file by it,
 * config_flag.c the flags) and the places in a file's text
 * (config_text.c). Private to the library.
 */
#ifndef SG_CONFIG_IMPL_H
#define SG_CONFIG_IMPL_H

#include <stddef.h>

#include "sg/config.h"
#include "sg/error.h"

enum key_kind {
	KEY_BLOCK,      /* an object holding the keys of `sub` */
	KEY_STR,        /* a string (from `choices` if set), stored as char * */
	KEY_CHOICE_INT, /* a string from `choices`, stored as its index (int) */
	KEY_LIST,       /* an array of strings (each from `choices` if set) */
	KEY_NUM,        /* a number in range, stored as double */
	KEY_INT,        /* an integral number in range, stored as long */
	KEY_BOOL,       /* true or false, stored as int */
	KEY_MAP         /* an object of strings: model.feature_map only */
};

#define KEY_DISTINCT (1u << 0)   /* list: no string twice */
#define KEY_NONEMPTY (1u << 1)   /* list: at least one string */
#define KEY_LO_OPEN (1u << 2)    /* number: lo itself is out of range */
#define KEY_HI_OPEN (1u << 3)    /* number: hi itself is out of range */
#define KEY_NAME_AT_VER (1u << 4) /* string: "name@version" */
#define KEY_NIGHT (1u << 5)      /* string: a night "YYYY-MM-DD" */
#define KEY_ZONE (1u << 6)       /* string: log.night_timezone */
#define KEY_STARTS (1u << 7)     /* string: log.night_starts */
/* Paths: relative to the config file's folder (see resolve_path). */
#define KEY_PATH (1u << 8)       /* string: a file or folder */
#define KEY_GLOB (1u << 9)       /* string: a glob pattern of files */
#define KEY_PROGRAM (1u << 10)   /* list: argv; argv[0] when it has a '/' */
/* report.reference_nights: its flag drops a reference_since/until */
#define KEY_REF_NIGHTS (1u << 11)
/* model.backend: its flag takes any name, and the run checks it against
 * the backends this build has (the file's choices name every backend) */
#define KEY_FLAG_ANY (1u << 12)

struct sg_config_key {
	const char *name;
	enum key_kind kind;
	size_t off;                 /* offsetof(struct sg_config, ...) */
	unsigned flags;
	double lo, hi;              /* KEY_NUM, KEY_INT */
	const char *const *choices; /* NULL-terminated, or NULL */
	unsigned mask;              /* log.explicit_mask bit set when given */
	const struct sg_config_block *sub;    /* KEY_BLOCK */
	const char *flag;           /* its command-line flag, or NULL */
};

struct sg_config_block {
	const char *name; /* NULL for the top level */
	enum sg_key_group group;
	const struct sg_config_key *keys;
	size_t n;
};

/* The top level of the file: "store" and the blocks of keys. */
extern const struct sg_config_block sg_config_top_block;

/*
 * The line and column (1-based; the column counts UTF-8 characters) in
 * text[0..len), which cJSON parsed into root, of the value at (its key's
 * opening quote for an object member). Leaves them when at is not found.
 */
struct cJSON;
void sg_config_place(const char *text, size_t len, const struct cJSON *root,
		     const struct cJSON *at, long *line, long *col);

/*
 * Describes in diag the first syntax error in text[0..len), whose NUL
 * ends it (cJSON stopped at offset `near`, used when the checker finds
 * nothing, which should not happen). Returns SG_EUSAGE.
 */
int sg_config_syntax_error(const char *text, size_t len, size_t near,
			   const char *name, struct sg_diag *diag);

/* The index of s in choices (NULL-terminated), or -1. */
long sg_config_choice(const char *const *choices, const char *s);

/* The shortest text that reads back as x ("0.95", "1000000", "inf"). */
const char *sg_config_fmt_num(double x, char *buf, size_t n);

#endif
