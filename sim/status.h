/* status — what became of a job, as every sim/ function that runs one
 * reports it. The program turns each into its own exit status (see
 * tui/cli.h). */
#ifndef COINSIM_STATUS_H
#define COINSIM_STATUS_H

enum sim_status {
    SIM_OK = 0,
    SIM_NOMEM,    /* out of memory */
    SIM_IO,       /* a file could not be read or written */
    SIM_BADINPUT, /* the scenario or the arguments do not allow the job */
    SIM_LEDGER,   /* a ledger identity broke: a bug */
    SIM_STOPPED,  /* interrupted (the stop flag was set) */
    SIM_OVERFLOW, /* a total left the int64 range */
};

#endif
