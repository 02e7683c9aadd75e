/* sim_theory.c - the queueing results the simulation must reproduce
 * (formulas in ../shared/DOMAIN.md). */
#include <math.h>

#include "dialsim.h"

double sim_erlang_b(int c, double A)
{
    if (A <= 0)
        return 0;
    double b = 1.0; /* B_0 */
    for (int k = 1; k <= c; k++)
        b = A * b / (k + A * b);
    return b;
}

double sim_erlang_c(int c, double A)
{
    if (A >= c)
        return 1.0;
    double b = sim_erlang_b(c, A), rho = A / c;
    return b / (1 - rho * (1 - b));
}

double sim_fixed_patience_loss(int c, double A, double h, double tau)
{
    double b = sim_erlang_b(c, A), rho = A / c, mu = 1.0 / h;
    double x = exp(-c * mu * (1 - rho) * tau);
    if (fabs(1 - rho) < 1e-12) /* the limit rho -> 1: x -> 1 - c*mu*tau*(1-rho) */
        return b / (1 + b * c * mu * tau);
    return (1 - rho) * b * x / ((1 - rho) + rho * b * (1 - x));
}

double sim_progressive_occupancy(double T, double W, double t_a, double t_f, double p,
                                 double t_p)
{
    return (T + W) / (T + W + t_a + ((1 - p) / p) * t_f + t_p / p);
}

double sim_power_abandon(int n, double p)
{
    return (n * p - 1 + pow(1 - p, n)) / (n * p);
}
