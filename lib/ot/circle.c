/* Optimal transport on the circle (circle.h): the shifted quantile cost walked in exact
 * integer units of 1/(n m), its slope between lattice points, the minimum over the shift
 * by bisection on the slope's sign, and the lifted quantile. */
#include <math.h>

#include "ot/circle.h"

double gfd_circle_turn(const double *x, const double *u, size_t d)
{
    double a = 0, b = 0;
    for (size_t k = 0; k < d; k++) {
        a += u[k] * x[k];
        b += u[d + k] * x[k];
    }
    double t = atan2(b, a) / (2 * M_PI);
    t = t < 0 ? t + 1 : t;
    return t < 1 ? t : 0;  /* -1e-17 + 1 rounds to 1, the same point as 0 */
}

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    return q - (a % b != 0 && (a < 0) != (b < 0));
}

/* int_0^1 (F_x^-1(t) - F_y^-1(t + s/(n m)))^2 dt. In units of 1/(n m): x atom i covers
 * [i m, (i + 1) m), the target level at + s falls in lifted atom g = floor((at + s)/n). */
static double shifted_cost(const double *x, long long n, const double *y, long long m, long long s)
{
    long long end = n * m, at = 0, i = 0, g = floor_div(s, n);
    double sum = 0;
    while (at < end) {
        long long x_end = (i + 1) * m, y_end = (g + 1) * n - s;
        long long next = x_end < y_end ? x_end : y_end, lift = floor_div(g, m);
        double z = x[i] - (y[g - lift * m] + (double)lift);
        sum += z * z * (double)(next - at);
        at = next;
        i += at == x_end;
        g += at == y_end;
    }
    return sum / (double)end;
}

/* n m (C(s + 1) - C(s)): the cost is linear between lattice points, so this is dC/dalpha
 * at alpha = (s + 1/2)/(n m). The target quantile jumps from y_(j-1) to y_j (lifted) at the
 * level j/m, that is at t_j = j/m - alpha, where x's quantile is a = x_i, i = floor(t_j n);
 * raising alpha moves the jump left, so dC/dalpha = sum_j (a - y_j)^2 - (a - y_(j-1))^2 over
 * the m jumps with t_j in [0, 1). t_j n m = j n - s - 1/2 is never an x level: O(m). */
static double shifted_slope(const double *x, long long n, const double *y, long long m, long long s)
{
    double sum = 0;
    long long j0 = floor_div(s, n) + 1;  /* the first j with j n > s */
    for (long long j = j0; j < j0 + m; j++) {
        double a = x[floor_div(2 * (j * n - s) - 1, 2 * m)];
        long long lift = floor_div(j, m), below = floor_div(j - 1, m);
        double to = y[j - lift * m] + (double)lift, from = y[j - 1 - below * m] + (double)below;
        sum += (a - to) * (a - to) - (a - from) * (a - from);
    }
    return sum;
}

long long gfd_circle_shift(const double *x, size_t n, const double *y, size_t m, double *w2sq)
{
    long long N = (long long)n, M = (long long)m;
    /* For alpha >= 1 every target lies above every x and the cost grows, likewise below
     * -1: the minimiser is in [-n m, n m]. Convex: the first s with C(s + 1) >= C(s). */
    long long lo = -N * M, hi = N * M;
    while (lo < hi) {
        long long mid = floor_div(lo + hi, 2);
        if (shifted_slope(x, N, y, M, mid) >= 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    *w2sq = shifted_cost(x, N, y, M, lo);
    return lo;
}

double gfd_circle_quantile(const double *y, size_t m, size_t n, long long u)
{
    long long M = (long long)m, N = (long long)n, period = 2 * N * M;
    long long lift = floor_div(u, period), r = u - lift * period;
    long long j = floor_div(r - N, 2 * N);  /* (2j + 1) n <= r < (2j + 3) n, j in [-1, m) */
    double frac = (double)(r - (2 * j + 1) * N) / (double)(2 * N);
    double a = j < 0 ? y[M - 1] - 1 : y[j];
    double b = j + 1 == M ? y[0] + 1 : y[j + 1];
    return (double)lift + a + frac * (b - a);
}
