import type { ApiFailure } from '../../lib/api';

const EXPLANATION: Record<ApiFailure['kind'], string> = {
  unreachable: 'The scheduling service could not be reached.',
  timeout: 'The scheduling service took too long to answer.',
  http: 'The scheduling service answered with an error.',
  graphql: 'The scheduling service reported an error.',
  'bad-response': 'The scheduling service sent a response we could not read.',
  'unknown-tenant': 'This site is not configured for a known organisation.',
};

export function ErrorPanel({ error }: { error: ApiFailure }) {
  return (
    <section className="error-panel" role="alert" data-testid="error-panel" data-error-kind={error.kind}>
      <h2>503 · Service unavailable</h2>
      <p>{EXPLANATION[error.kind]} Please try again in a moment.</p>
      {error.code ? (
        <p className="error-code">
          Error code: <code data-testid="error-code">{error.code}</code>
        </p>
      ) : null}
      {error.status !== null && (error.status < 200 || error.status > 299) ? (
        <p className="error-status">{`API status: HTTP ${error.status}`}</p>
      ) : null}
    </section>
  );
}
