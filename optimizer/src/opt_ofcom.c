/* opt_ofcom.c - Ofcom's abandoned-call estimate (formula in opt_ofcom.h).
 *
 * Ofcom counts a person hung up on by answering-machine detection as an
 * abandoned call and asks the caller to estimate them, since no ACD sees
 * them; and an ACD's drops mix people with machines AMD let through, which
 * Ofcom's adjustment discounts by the machines' share of the calls agents
 * took. Both corrections assume what the simulator shows: a dropped
 * machine and a dropped person are equally likely among the calls that
 * reach the ACD, and AMD mistakes people at the same rate whether or not an
 * agent is free. */
#include "opt_ofcom.h"

opt__ofcom opt__ofcom_estimate(long connected, long drops, long machines_to_agents, double fp)
{
    double c = connected > 0 ? (double)connected : 0;
    double d = drops > 0 ? (double)drops : 0;
    double am = machines_to_agents > 0 ? (double)machines_to_agents : 0;
    if (!(fp >= 0 && fp < 1))
        fp = 0;
    opt__ofcom e = {0};
    e.live_drops = d * (am + c > 0 ? 1 - am / (am + c) : 1);
    e.false_positives = (c + e.live_drops) * fp / (1 - fp);
    e.abandoned = e.live_drops + e.false_positives;
    e.live_answers = c + e.abandoned;
    e.rate = e.live_answers > 0 ? e.abandoned / e.live_answers : 0;
    return e;
}
