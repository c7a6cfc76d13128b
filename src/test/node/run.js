// Runs one state machine execution with aws-local-stepfunctions (load polyfill.cjs first on Node 20).
// Standard input: {"definition": {...}, "input": {...}, "lambda": "http://127.0.0.1:<port>/invoke"}.
// Every Task state invoking Lambda (arn:aws:states:::lambda:invoke) is answered by POSTing its Payload to the
// "lambda" URL, which answers as Lambda's Invoke API does: the function's result, its error document with the
// X-Amz-Function-Error header, or a service error named by X-Amzn-ErrorType. The task then returns what the lambda:invoke integration returns ({Payload, ...}) or
// fails with the function's errorType (or Lambda.<service exception>) as the error name and the error document as
// the cause, as Step Functions does;
// Retry and Catch match on that name. Wait states and Retry intervals take no time.
// Standard output, one JSON line: {"status": "SUCCEEDED", "output": ...} or {"status": "FAILED", "error", "cause"},
// with "events": the states entered, retried and caught, in order.
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

function fail(message) {
  process.stderr.write(`run.js: ${message}\n`);
  process.exit(2);
}

/** Every state of the definition, nested Map and Parallel states included, by name. */
function allStates(definition, found = {}) {
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    if (found[name]) {
      fail(`state name ${name} is used twice; overrides are keyed by state name`);
    }
    found[name] = state;
    for (const nested of [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]) {
      if (nested) {
        allStates(nested, found);
      }
    }
  }
  return found;
}

function lambdaHandler(stateName, url) {
  return async (input) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-state-name': stateName, 'x-function-name': input.FunctionName },
      body: JSON.stringify(input.Payload ?? null),
    });
    const body = await response.text();
    if (response.headers.has('x-amzn-errortype')) {
      // Lambda itself failed (not the function): Step Functions names the error after the service exception.
      const error = new Error(body);
      error.name = `Lambda.${response.headers.get('x-amzn-errortype')}`;
      throw error;
    }
    if (response.status !== 200) {
      const error = new Error(`the local Lambda endpoint answered ${response.status}: ${body}`);
      error.name = 'LocalLambdaFailure';
      throw error;
    }
    if (response.headers.has('x-amz-function-error')) {
      const error = new Error(body);
      error.name = JSON.parse(body).errorType;
      throw error;
    }
    return { ExecutedVersion: '1', Payload: JSON.parse(body), StatusCode: 200 };
  };
}

let job;
try {
  job = JSON.parse(readFileSync(0, 'utf8'));
} catch (e) {
  fail(`standard input must be a JSON job (${e.message})`);
}

const overrides = { taskResourceLocalHandlers: {}, waitTimeOverrides: {}, retryIntervalOverrides: {} };
for (const [name, state] of Object.entries(allStates(job.definition))) {
  if (state.Type === 'Task') {
    if (state.Resource !== LAMBDA_INVOKE) {
      fail(`Task state ${name} has resource ${state.Resource}: only ${LAMBDA_INVOKE} is answered locally`);
    }
    overrides.taskResourceLocalHandlers[name] = lambdaHandler(name, job.lambda);
  }
  if (state.Type === 'Wait') {
    overrides.waitTimeOverrides[name] = 0;
  }
  if (state.Retry) {
    overrides.retryIntervalOverrides[name] = 0;
  }
}

const stateMachine = new StateMachine(job.definition, { validationOptions: { checkPaths: true, checkArn: true } });
const execution = stateMachine.run(job.input, { overrides });
const events = [];
const logged = (async () => {
  for await (const event of execution.eventLogs) {
    if (['StateEntered', 'StateRetried', 'StateCaught'].includes(event.type)) {
      events.push({ type: event.type, state: event.state.name });
    }
  }
})();

let outcome;
try {
  outcome = { status: 'SUCCEEDED', output: await execution.result };
} catch (e) {
  const cause = e.cause ?? e;
  outcome = { status: 'FAILED', error: cause.name, cause: cause.message };
}
await logged;
outcome.events = events;
process.stdout.write(`${JSON.stringify(outcome)}\n`);
