// aws-local-stepfunctions 3.0.0 declares Node.js >= 22: its Task states call Promise.withResolvers (ES2024, Node 22),
// which Node 20 lacks ("Promise.withResolvers is not a function"). Loaded first with `node --require`, this adds the
// standard function where it is missing and changes nothing on Node 22 and later.
'use strict';

if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      let resolve;
      let reject;
      const promise = new this((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
