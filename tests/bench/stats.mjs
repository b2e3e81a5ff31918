// Order statistics for repeated, noisy samples. Medians rather than means: on a shared 2-core
// machine a sample is sometimes slowed by someone else's work, never sped up.

/** The q-quantile (0..1) of `xs`, interpolating between neighbours. */
export function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
}

export const median = (xs) => quantile(xs, 0.5);

/** Median with the spread of the samples: the range between the first and third quartiles. */
export function summary(xs) {
  return { median: median(xs), q1: quantile(xs, 0.25), q3: quantile(xs, 0.75), n: xs.length };
}

/** Fisher–Yates shuffle (a copy): the order of interleaved measurements within a round. */
export function shuffled(xs) {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
