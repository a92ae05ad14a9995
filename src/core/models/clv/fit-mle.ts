import { minimizeNelderMead } from '../optimize/nelder-mead.js';
import { invertSymmetricPositiveDefinite, numericGradient, numericHessian } from '../optimize/numeric-derivatives.js';

/**
 * Maximum likelihood for models with positive parameters θ (BG/NBD, Gamma-Gamma), shared by both.
 *
 * The search runs over u = ln θ (no bounds to enforce; steps are relative) and minimizes
 *     objective(u) = -(Σ_i w_i ll_i(θ)) / (Σ_i w_i) + λ Σ_k θ_k²,
 * the mean negative log-likelihood per customer plus an optional L2 penalty on the natural
 * parameters (λ = `penalizer`, the same role as lifetimes' penalizer_coef: it shrinks parameters
 * that run off to infinity on small or degenerate data). Each start runs Nelder–Mead with restarts;
 * the best one wins.
 *
 * Reported, never thrown: whether the winning run converged, its iterations and evaluations, the
 * final simplex size, the norm of the numerical gradient of the objective in u at the estimate, how
 * many starts reached the same optimum, and parameters running to a boundary (|ln θ| > 20: the data
 * do not identify that parameter). Standard errors come from the inverse numerical Hessian of the
 * total negative log-likelihood in u (delta method: se(θ) = θ se(u)); null when it is not positive
 * definite.
 */

/** Invalid options (a negative penalizer, a start with a non-positive value) throw RangeError: they are programming errors, not data. */
export interface MleOptions {
  /** λ of the L2 penalty λ Σ θ². Default 0. */
  readonly penalizer?: number;
  /** Starting points (natural parameters, all > 0) tried besides the model's defaults. */
  readonly starts?: readonly (readonly number[])[];
  /** Nelder–Mead iterations per start (restarts included). Default 4000. */
  readonly maxIterations?: number;
  /** Largest gradient norm (of the per-customer objective, in log-parameters) accepted as converged. Default 1e-5. */
  readonly gradientTolerance?: number;
}

export interface FitDiagnostics {
  readonly converged: boolean;
  /** 'converged' with the numbers, or every reason it is not. */
  readonly message: string;
  /** Σ w ll at the estimate, without the penalty. */
  readonly logLikelihood: number;
  /** The minimized value: mean negative log-likelihood per customer plus the penalty. */
  readonly objective: number;
  readonly penalizer: number;
  /** Of the winning start. */
  readonly iterations: number;
  readonly evaluations: number;
  readonly restarts: number;
  /** Final simplex size in log-parameters, of the winning start. */
  readonly simplexSize: number;
  /** Euclidean norm of the numerical gradient of the objective in log-parameters at the estimate. */
  readonly gradientNorm: number;
  readonly starts: number;
  /** Starts that ended within 1e-7 (objective) and 1e-3 (log-parameters) of the winner. */
  readonly startsAgreeing: number;
  /** Evaluations of the objective over all starts and the derivative checks. */
  readonly totalEvaluations: number;
  /** Σ w: the customers represented. */
  readonly customers: number;
  /** Distinct rows the likelihood was evaluated on. */
  readonly rows: number;
}

export interface MleFit {
  readonly theta: number[];
  readonly standardErrors: number[] | null;
  readonly diagnostics: FitDiagnostics;
}

export interface MleProblem {
  readonly names: readonly string[];
  /** Σ w ll(θ); may return a non-finite value outside the domain. */
  readonly logLikelihood: (theta: readonly number[]) => number;
  readonly defaultStarts: readonly (readonly number[])[];
  readonly customers: number;
  readonly rows: number;
}

const BOUNDARY_LOG = 20;
const X_TOLERANCE = 1e-9;
const F_TOLERANCE = 1e-13;
const INITIAL_STEP = 0.3;

export function fitMle(problem: MleProblem, options: MleOptions = {}): MleFit {
  const penalizer = options.penalizer ?? 0;
  const gradientTolerance = options.gradientTolerance ?? 1e-5;
  if (!(penalizer >= 0 && Number.isFinite(penalizer))) throw new RangeError(`fitMle: penalizer must be finite and >= 0, got ${penalizer}`);
  const { names, customers } = problem;
  let evaluations = 0;
  const negMeanLl = (u: readonly number[]): number => {
    evaluations++;
    const theta = u.map(Math.exp);
    if (theta.some((t) => !(t > 0) || !Number.isFinite(t))) return Number.POSITIVE_INFINITY;
    return -problem.logLikelihood(theta) / customers;
  };
  const objective = (u: readonly number[]): number => {
    const base = negMeanLl(u);
    if (penalizer === 0) return base;
    let penalty = 0;
    for (const uk of u) penalty += Math.exp(2 * uk);
    return base + penalizer * penalty;
  };

  const starts = [...problem.defaultStarts, ...(options.starts ?? [])];
  const runs = starts.map((start) => {
    if (start.length !== names.length || start.some((t) => !(t > 0) || !Number.isFinite(t))) {
      throw new RangeError(`fitMle: a start must have ${names.length} finite positive values (${names.join(', ')}), got [${start.join(', ')}]`);
    }
    return minimizeNelderMead(
      objective,
      start.map((t) => Math.log(t)),
      { xTolerance: X_TOLERANCE, fTolerance: F_TOLERANCE, initialStep: INITIAL_STEP, restarts: 3, maxIterations: options.maxIterations ?? 4000 },
    );
  });
  let best = runs[0];
  for (const run of runs) if (best === undefined || run.value < best.value) best = run;
  if (best === undefined) throw new RangeError('fitMle: no start');

  const u = best.x;
  const theta = u.map(Math.exp);
  const logLikelihood = problem.logLikelihood(theta);
  const startsAgreeing = runs.filter(
    (run) => Math.abs(run.value - best.value) <= 1e-7 * Math.max(1, Math.abs(best.value)) && run.x.every((x, i) => Math.abs(x - (u[i] ?? 0)) <= 1e-3),
  ).length;

  const finite = Number.isFinite(best.value) && Number.isFinite(logLikelihood);
  const gradient = finite ? numericGradient(objective, u) : u.map(() => Number.NaN);
  const gradientNorm = Math.sqrt(gradient.reduce((s, g) => s + g * g, 0));
  const boundary = names.filter((_, i) => Math.abs(u[i] ?? 0) > BOUNDARY_LOG);

  let standardErrors: number[] | null = null;
  if (finite) {
    const hessian = numericHessian((v) => customers * negMeanLl(v), u);
    const cov = invertSymmetricPositiveDefinite(hessian);
    if (cov !== null) standardErrors = theta.map((t, i) => t * Math.sqrt(cov[i]?.[i] ?? Number.NaN));
  }

  const problems: string[] = [];
  if (!finite) problems.push(`the log-likelihood is not finite at the best point found (${logLikelihood})`);
  if (!best.converged) problems.push(`the optimizer did not converge: ${best.message}`);
  if (finite && !(gradientNorm <= gradientTolerance)) problems.push(`gradient norm ${gradientNorm.toExponential(2)} > ${gradientTolerance}`);
  if (boundary.length > 0) {
    problems.push(`${boundary.map((name) => `${name} = ${theta[names.indexOf(name)]}`).join(', ')} ran to the boundary (the data do not identify it; a penalizer can help)`);
  }
  const converged = problems.length === 0;
  const message = converged
    ? `converged: ${best.iterations} iterations, ${best.restarts} restart(s), simplex size ${best.simplexSize.toExponential(2)}, gradient norm ${gradientNorm.toExponential(2)}, ${startsAgreeing} of ${runs.length} starts agree`
    : problems.join('; ');

  return {
    theta,
    standardErrors,
    diagnostics: {
      converged,
      message,
      logLikelihood,
      objective: best.value,
      penalizer,
      iterations: best.iterations,
      evaluations: best.evaluations,
      restarts: best.restarts,
      simplexSize: best.simplexSize,
      gradientNorm,
      starts: runs.length,
      startsAgreeing,
      totalEvaluations: evaluations,
      customers,
      rows: problem.rows,
    },
  };
}
