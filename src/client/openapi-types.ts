/**
 * Generated from openapi.yaml by `npm run openapi` (openapi-typescript): do not edit.
 * `paths` drives the typed calls of createClient; `components["schemas"]` names every shape.
 */
export interface paths {
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The service's metrics in the Prometheus text format. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is up */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The process is up. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "status": "ok"
                         *     }
                         */
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: PostgreSQL and Redis are reachable
         * @description Answers 503 naming each unreachable service; recovers by itself when the service returns.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description PostgreSQL and Redis are reachable. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "status": "ready",
                         *       "services": {
                         *         "postgres": {
                         *           "ok": true
                         *         },
                         *         "redis": {
                         *           "ok": true
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
                /** @description Not ready: the unreachable services are named. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Readiness"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List runs
         * @description Newest first, with cursor pagination, optionally filtered by status, sweep, optimizer, objective kind and a search. Each run's result leaves out `params` (a run of millions of parameters would make the page too large): `GET /v1/runs/{id}` has them. Carries an `ETag`: send it back as `If-None-Match` to get `304` while the page is unchanged.
         */
        get: {
            parameters: {
                query?: {
                    status?: components["schemas"]["RunStatus"];
                    /** @description Only the trials of this sweep. */
                    sweepId?: string;
                    /** @description Only runs of this optimizer (`spec.optimizer.name`). */
                    optimizer?: string;
                    /** @description Only runs whose objective is of this kind. */
                    objectiveType?: "expression" | "benchmark" | "model";
                    /** @description Only runs whose optimizer name, expression, benchmark or model name contains this text, ignoring case (`adam` finds `AdamW`, `HIMMEL` finds `himmelblau`), or whose id it is or ends with (8 or more of its last characters, as the dashboard shows runs). Spaces around it are left out. `%`, `_` and `\` are searched as themselves. */
                    search?: string;
                    /** @description Items in the page (1 … 200, default 50). */
                    limit?: number;
                    /** @description `nextCursor` of the previous page; none for the first page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of runs, newest first, with the cursor of the next page. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "runs": [
                         *         {
                         *           "id": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *           "status": "completed",
                         *           "createdAt": "2026-03-14T09:26:53.000Z",
                         *           "updatedAt": "2026-03-14T09:26:53.410Z",
                         *           "startedAt": "2026-03-14T09:26:53.120Z",
                         *           "finishedAt": "2026-03-14T09:26:53.410Z",
                         *           "sweepId": null,
                         *           "trialNumber": null,
                         *           "parameters": null,
                         *           "attempts": 1,
                         *           "spec": {
                         *             "objective": {
                         *               "type": "expression",
                         *               "expression": "(1 - x)^2 + 100*(y - x^2)^2",
                         *               "variables": [
                         *                 "x",
                         *                 "y"
                         *               ],
                         *               "initial": [
                         *                 -1.5,
                         *                 2
                         *               ]
                         *             },
                         *             "optimizer": {
                         *               "name": "adam",
                         *               "flavor": "paper",
                         *               "weightDecay": 0,
                         *               "learningRate": 0.01
                         *             },
                         *             "training": {
                         *               "maxSteps": 500,
                         *               "shuffle": true,
                         *               "seed": 0
                         *             },
                         *             "record": {}
                         *           },
                         *           "progress": {
                         *             "step": 500,
                         *             "totalSteps": 500,
                         *             "epoch": null,
                         *             "fraction": 1,
                         *             "stepsPerSecond": 41000,
                         *             "etaSeconds": 0
                         *           },
                         *           "earlyStoppingState": {
                         *             "enabled": false,
                         *             "monitor": null,
                         *             "best": null,
                         *             "bestStep": null,
                         *             "patience": null,
                         *             "stepsSinceBest": null,
                         *             "stopped": false
                         *           },
                         *           "earlyStopping": {
                         *             "enabled": false,
                         *             "monitor": null,
                         *             "best": null,
                         *             "bestStep": null,
                         *             "patience": null,
                         *             "stepsSinceBest": null,
                         *             "stopped": false
                         *           },
                         *           "result": {
                         *             "stopReason": "max_steps",
                         *             "message": "Reached maxSteps: 500 updates.",
                         *             "steps": 500,
                         *             "finalLoss": 4.21388,
                         *             "finalValLoss": null,
                         *             "finalValAccuracy": null,
                         *             "best": {
                         *               "metric": "loss",
                         *               "value": 4.21388,
                         *               "step": 500,
                         *               "atEnd": true
                         *             },
                         *             "restoredBest": false
                         *           }
                         *         }
                         *       ],
                         *       "nextCursor": null
                         *     }
                         */
                        "application/json": components["schemas"]["RunList"];
                    };
                };
                /** @description Not modified since the ETag sent in If-None-Match. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Submit a run
         * @description Stores the run (status `queued`) and queues it for the workers. A repeated `Idempotency-Key` returns the run created first. A tenant with `TENANT_MAX_ACTIVE_RUNS` queued or running runs gets 429 `quota_exceeded`; a run whose rows (its updates / `record.every`: maxSteps, or, when `training.epochs` ends it, its epochs' updates over its data, for a parallel run p times the batches of replica 0's shard an epoch) would take the tenant past `TENANT_MAX_METRIC_ROWS`, counting the rows stored and those its unfinished runs may still record, gets 403 `storage_quota_exceeded`. Either problem names the quota in `quota`, with its limit and the use. Of submissions made at once, the first that fit the quotas are stored, in the order they arrived, and only the others refused; a repeated `Idempotency-Key` is never refused. A tenant runs at most `TENANT_MAX_RUNNING_RUNS` runs at once; the others wait their turn queued. A run that would need more than `WORKER_MAX_RUN_BYTES` in a worker (parameters, optimizer state, replicas, checkpoint, data) gets 422 `run_too_large` naming the field that makes it large.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any unique string; retries with the same key and spec return the same run. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            /** @description A run: objective, optimizer, and the training settings around them. */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RunSpecInput"];
                };
            };
            responses: {
                /** @description The run, stored and queued (or the run first created with this Idempotency-Key). */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *       "status": "queued",
                         *       "createdAt": "2026-03-14T09:26:53.000Z",
                         *       "updatedAt": "2026-03-14T09:26:53.000Z",
                         *       "startedAt": null,
                         *       "finishedAt": null,
                         *       "sweepId": null,
                         *       "trialNumber": null,
                         *       "parameters": null,
                         *       "attempts": 0,
                         *       "spec": {
                         *         "objective": {
                         *           "type": "expression",
                         *           "expression": "(1 - x)^2 + 100*(y - x^2)^2",
                         *           "variables": [
                         *             "x",
                         *             "y"
                         *           ],
                         *           "initial": [
                         *             -1.5,
                         *             2
                         *           ]
                         *         },
                         *         "optimizer": {
                         *           "name": "adam",
                         *           "flavor": "paper",
                         *           "weightDecay": 0,
                         *           "learningRate": 0.01
                         *         },
                         *         "training": {
                         *           "maxSteps": 500,
                         *           "shuffle": true,
                         *           "seed": 0
                         *         },
                         *         "record": {}
                         *       },
                         *       "progress": null,
                         *       "earlyStoppingState": null,
                         *       "earlyStopping": null,
                         *       "result": null
                         *     }
                         */
                        "application/json": components["schemas"]["Run"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A storage quota of the tenant would be exceeded: `quota` names it, its limit and the use. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource's state does not allow it: `code` says why. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is too large. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body's media type is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well formed, but it cannot be used: `code` and `detail` say why. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service Descent needs is unreachable: retry after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a run
         * @description Status, progress, early-stopping state and result. Carries an `ETag`: send it back as `If-None-Match` to get `304` while the run is unchanged.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The run id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The run: status, progress, early-stopping state and result. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *       "status": "completed",
                         *       "createdAt": "2026-03-14T09:26:53.000Z",
                         *       "updatedAt": "2026-03-14T09:26:53.410Z",
                         *       "startedAt": "2026-03-14T09:26:53.120Z",
                         *       "finishedAt": "2026-03-14T09:26:53.410Z",
                         *       "sweepId": null,
                         *       "trialNumber": null,
                         *       "parameters": null,
                         *       "attempts": 1,
                         *       "spec": {
                         *         "objective": {
                         *           "type": "expression",
                         *           "expression": "(1 - x)^2 + 100*(y - x^2)^2",
                         *           "variables": [
                         *             "x",
                         *             "y"
                         *           ],
                         *           "initial": [
                         *             -1.5,
                         *             2
                         *           ]
                         *         },
                         *         "optimizer": {
                         *           "name": "adam",
                         *           "flavor": "paper",
                         *           "weightDecay": 0,
                         *           "learningRate": 0.01
                         *         },
                         *         "training": {
                         *           "maxSteps": 500,
                         *           "shuffle": true,
                         *           "seed": 0
                         *         },
                         *         "record": {}
                         *       },
                         *       "progress": {
                         *         "step": 500,
                         *         "totalSteps": 500,
                         *         "epoch": null,
                         *         "fraction": 1,
                         *         "stepsPerSecond": 41000,
                         *         "etaSeconds": 0
                         *       },
                         *       "earlyStoppingState": {
                         *         "enabled": false,
                         *         "monitor": null,
                         *         "best": null,
                         *         "bestStep": null,
                         *         "patience": null,
                         *         "stepsSinceBest": null,
                         *         "stopped": false
                         *       },
                         *       "earlyStopping": {
                         *         "enabled": false,
                         *         "monitor": null,
                         *         "best": null,
                         *         "bestStep": null,
                         *         "patience": null,
                         *         "stepsSinceBest": null,
                         *         "stopped": false
                         *       },
                         *       "result": {
                         *         "stopReason": "max_steps",
                         *         "message": "Reached maxSteps: 500 updates.",
                         *         "steps": 500,
                         *         "params": [
                         *           -1.05192,
                         *           1.11245
                         *         ],
                         *         "finalLoss": 4.21388,
                         *         "finalValLoss": null,
                         *         "finalValAccuracy": null,
                         *         "best": {
                         *           "metric": "loss",
                         *           "value": 4.21388,
                         *           "step": 500,
                         *           "atEnd": true
                         *         },
                         *         "restoredBest": false
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Run"];
                    };
                };
                /** @description Not modified since the ETag sent in If-None-Match. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a run
         * @description Deletes a finished run with everything recorded for it: its steps, summaries and checkpoints. A queued or running run cannot be deleted (409 `run_active`): cancel it first. A trial of a sweep that has not ended cannot be deleted either (409 `sweep_active`): its sweep numbers, counts and learns from its trials while it runs. A tenant has at most `TENANT_MAX_CONCURRENT_DELETIONS` deletions (of runs, stored objectives and datasets) in progress on the API process: one more is 429 `too_many_concurrent` with `Retry-After`.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The run id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted, with everything recorded for the run. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource's state does not allow it: `code` says why. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a run
         * @description A queued run is cancelled at once and never starts (200, status `cancelled`). A running run stops within one slice with stopReason `cancelled`, its metrics kept (202; follow it with GET or /events); one that no worker is running (its job waits to resume, failed or is gone) is cancelled at once (200). A finished run cannot be cancelled (409).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The run id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The queued run, cancelled: it never starts. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *       "status": "cancelled",
                         *       "createdAt": "2026-03-14T09:26:53.000Z",
                         *       "updatedAt": "2026-03-14T09:26:53.000Z",
                         *       "startedAt": null,
                         *       "finishedAt": "2026-03-14T09:26:53.120Z",
                         *       "sweepId": null,
                         *       "trialNumber": null,
                         *       "parameters": null,
                         *       "attempts": 0,
                         *       "spec": {
                         *         "objective": {
                         *           "type": "expression",
                         *           "expression": "(1 - x)^2 + 100*(y - x^2)^2",
                         *           "variables": [
                         *             "x",
                         *             "y"
                         *           ],
                         *           "initial": [
                         *             -1.5,
                         *             2
                         *           ]
                         *         },
                         *         "optimizer": {
                         *           "name": "adam",
                         *           "flavor": "paper",
                         *           "weightDecay": 0,
                         *           "learningRate": 0.01
                         *         },
                         *         "training": {
                         *           "maxSteps": 500,
                         *           "shuffle": true,
                         *           "seed": 0
                         *         },
                         *         "record": {}
                         *       },
                         *       "progress": null,
                         *       "earlyStoppingState": null,
                         *       "earlyStopping": null,
                         *       "result": {
                         *         "stopReason": "cancelled",
                         *         "message": "Cancelled before it started.",
                         *         "steps": 0,
                         *         "params": null,
                         *         "finalLoss": null,
                         *         "finalValLoss": null,
                         *         "finalValAccuracy": null,
                         *         "best": null,
                         *         "restoredBest": false
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Run"];
                    };
                };
                /** @description The running run, asked to stop: it ends within a slice with stopReason `cancelled`. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *       "status": "running",
                         *       "createdAt": "2026-03-14T09:26:53.000Z",
                         *       "updatedAt": "2026-03-14T09:26:53.120Z",
                         *       "startedAt": "2026-03-14T09:26:53.120Z",
                         *       "finishedAt": null,
                         *       "sweepId": null,
                         *       "trialNumber": null,
                         *       "parameters": null,
                         *       "attempts": 1,
                         *       "spec": {
                         *         "objective": {
                         *           "type": "expression",
                         *           "expression": "(1 - x)^2 + 100*(y - x^2)^2",
                         *           "variables": [
                         *             "x",
                         *             "y"
                         *           ],
                         *           "initial": [
                         *             -1.5,
                         *             2
                         *           ]
                         *         },
                         *         "optimizer": {
                         *           "name": "adam",
                         *           "flavor": "paper",
                         *           "weightDecay": 0,
                         *           "learningRate": 0.01
                         *         },
                         *         "training": {
                         *           "maxSteps": 500,
                         *           "shuffle": true,
                         *           "seed": 0
                         *         },
                         *         "record": {}
                         *       },
                         *       "progress": {
                         *         "step": 200,
                         *         "totalSteps": 500,
                         *         "epoch": null,
                         *         "fraction": 0.4,
                         *         "stepsPerSecond": 41000,
                         *         "etaSeconds": 0.01
                         *       },
                         *       "earlyStoppingState": {
                         *         "enabled": false,
                         *         "monitor": null,
                         *         "best": null,
                         *         "bestStep": null,
                         *         "patience": null,
                         *         "stepsSinceBest": null,
                         *         "stopped": false
                         *       },
                         *       "earlyStopping": {
                         *         "enabled": false,
                         *         "monitor": null,
                         *         "best": null,
                         *         "bestStep": null,
                         *         "patience": null,
                         *         "stepsSinceBest": null,
                         *         "stopped": false
                         *       },
                         *       "result": null
                         *     }
                         */
                        "application/json": components["schemas"]["Run"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource's state does not allow it: `code` says why. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service Descent needs is unreachable: retry after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/objectives": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List stored objectives
         * @description Newest first, with cursor pagination.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Items in the page (1 … 200, default 50). */
                    limit?: number;
                    /** @description `nextCursor` of the previous page; none for the first page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of stored objectives, newest first. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "objectives": [
                         *         {
                         *           "id": "3d39a000-bf9d-43f7-97b3-872136d8fd95",
                         *           "name": "bowl",
                         *           "createdAt": "2026-03-14T09:26:53.000Z",
                         *           "objective": {
                         *             "type": "expression",
                         *             "expression": "x^2 + 10*y^2",
                         *             "variables": [
                         *               "x",
                         *               "y"
                         *             ],
                         *             "initial": [
                         *               3,
                         *               1
                         *             ]
                         *           },
                         *           "variables": [
                         *             "x",
                         *             "y"
                         *           ],
                         *           "dimensions": 2,
                         *           "dimension": 2,
                         *           "gradientCheck": {
                         *             "passed": true,
                         *             "value": 19,
                         *             "step": 0.00001,
                         *             "tolerance": 0.00001,
                         *             "maxAbsoluteError": 1.31e-10,
                         *             "maxRelativeError": 1.15e-11,
                         *             "coordinates": [
                         *               {
                         *                 "index": 0,
                         *                 "variable": "x",
                         *                 "analytic": 6,
                         *                 "numeric": 6.000000000068912,
                         *                 "absoluteError": 6.89e-11,
                         *                 "relativeError": 1.15e-11,
                         *                 "passed": true
                         *               },
                         *               {
                         *                 "index": 1,
                         *                 "variable": "y",
                         *                 "analytic": 20,
                         *                 "numeric": 20.00000000013102,
                         *                 "absoluteError": 1.31e-10,
                         *                 "relativeError": 6.55e-12,
                         *                 "passed": true
                         *               }
                         *             ]
                         *           }
                         *         }
                         *       ],
                         *       "nextCursor": null
                         *     }
                         */
                        "application/json": components["schemas"]["ObjectiveList"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Store an objective
         * @description Validates the objective, builds it, checks its gradient at the starting point and stores it. Run specs can then reference it as `"objective": {"id": …}`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ObjectiveRequestInput"];
                };
            };
            responses: {
                /** @description The stored objective, its gradient checked. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "3d39a000-bf9d-43f7-97b3-872136d8fd95",
                         *       "name": "bowl",
                         *       "createdAt": "2026-03-14T09:26:53.000Z",
                         *       "objective": {
                         *         "type": "expression",
                         *         "expression": "x^2 + 10*y^2",
                         *         "variables": [
                         *           "x",
                         *           "y"
                         *         ],
                         *         "initial": [
                         *           3,
                         *           1
                         *         ]
                         *       },
                         *       "variables": [
                         *         "x",
                         *         "y"
                         *       ],
                         *       "dimensions": 2,
                         *       "dimension": 2,
                         *       "gradientCheck": {
                         *         "passed": true,
                         *         "value": 19,
                         *         "step": 0.00001,
                         *         "tolerance": 0.00001,
                         *         "maxAbsoluteError": 1.31e-10,
                         *         "maxRelativeError": 1.15e-11,
                         *         "coordinates": [
                         *           {
                         *             "index": 0,
                         *             "variable": "x",
                         *             "analytic": 6,
                         *             "numeric": 6.000000000068912,
                         *             "absoluteError": 6.89e-11,
                         *             "relativeError": 1.15e-11,
                         *             "passed": true
                         *           },
                         *           {
                         *             "index": 1,
                         *             "variable": "y",
                         *             "analytic": 20,
                         *             "numeric": 20.00000000013102,
                         *             "absoluteError": 1.31e-10,
                         *             "relativeError": 6.55e-12,
                         *             "passed": true
                         *           }
                         *         ]
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Objective"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is too large. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body's media type is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well formed, but it cannot be used: `code` and `detail` say why. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/objectives/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check an objective without storing it
         * @description Parses and validates the objective, builds it and compares its gradient with finite differences at the starting point.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ObjectiveRequestInput"];
                };
            };
            responses: {
                /** @description The objective's parameters and its gradient check; nothing is stored. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "variables": [
                         *         "x",
                         *         "y"
                         *       ],
                         *       "dimensions": 2,
                         *       "dimension": 2,
                         *       "initial": [
                         *         3,
                         *         1
                         *       ],
                         *       "gradientCheck": {
                         *         "passed": true,
                         *         "value": 19,
                         *         "step": 0.00001,
                         *         "tolerance": 0.00001,
                         *         "maxAbsoluteError": 1.31e-10,
                         *         "maxRelativeError": 1.15e-11,
                         *         "coordinates": [
                         *           {
                         *             "index": 0,
                         *             "variable": "x",
                         *             "analytic": 6,
                         *             "numeric": 6.000000000068912,
                         *             "absoluteError": 6.89e-11,
                         *             "relativeError": 1.15e-11,
                         *             "passed": true
                         *           },
                         *           {
                         *             "index": 1,
                         *             "variable": "y",
                         *             "analytic": 20,
                         *             "numeric": 20.00000000013102,
                         *             "absoluteError": 1.31e-10,
                         *             "relativeError": 6.55e-12,
                         *             "passed": true
                         *           }
                         *         ]
                         *       },
                         *       "gradientCheckSkipped": null
                         *     }
                         */
                        "application/json": components["schemas"]["ObjectiveCheck"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is too large. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body's media type is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well formed, but it cannot be used: `code` and `detail` say why. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/objectives/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a stored objective */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The objective id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The stored objective. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "3d39a000-bf9d-43f7-97b3-872136d8fd95",
                         *       "name": "bowl",
                         *       "createdAt": "2026-03-14T09:26:53.000Z",
                         *       "objective": {
                         *         "type": "expression",
                         *         "expression": "x^2 + 10*y^2",
                         *         "variables": [
                         *           "x",
                         *           "y"
                         *         ],
                         *         "initial": [
                         *           3,
                         *           1
                         *         ]
                         *       },
                         *       "variables": [
                         *         "x",
                         *         "y"
                         *       ],
                         *       "dimensions": 2,
                         *       "dimension": 2,
                         *       "gradientCheck": {
                         *         "passed": true,
                         *         "value": 19,
                         *         "step": 0.00001,
                         *         "tolerance": 0.00001,
                         *         "maxAbsoluteError": 1.31e-10,
                         *         "maxRelativeError": 1.15e-11,
                         *         "coordinates": [
                         *           {
                         *             "index": 0,
                         *             "variable": "x",
                         *             "analytic": 6,
                         *             "numeric": 6.000000000068912,
                         *             "absoluteError": 6.89e-11,
                         *             "relativeError": 1.15e-11,
                         *             "passed": true
                         *           },
                         *           {
                         *             "index": 1,
                         *             "variable": "y",
                         *             "analytic": 20,
                         *             "numeric": 20.00000000013102,
                         *             "absoluteError": 1.31e-10,
                         *             "relativeError": 6.55e-12,
                         *             "passed": true
                         *           }
                         *         ]
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Objective"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a stored objective
         * @description An objective that a run names (finished or not: a finished run's landscape and parameter names are built from it) or a sweep that has not ended cannot be deleted: 409 `objective_in_use`, whose `usedBy` counts them and lists the newest. Delete those runs first (cancel an unfinished one), and cancel those sweeps or let them end. A run or sweep naming it that is submitted meanwhile is either stored first (and the deletion is that 409) or refused after it, with the 404 `objective_not_found` of one naming no stored objective. A tenant has at most `TENANT_MAX_CONCURRENT_DELETIONS` deletions (of runs, stored objectives and datasets) in progress on the API process: one more is 429 `too_many_concurrent` with `Retry-After`.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The objective id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource's state does not allow it: `code` says why. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/optimizers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The optimizer catalogue
         * @description Every optimizer with its hyperparameters, bounds, per-flavor defaults and a one-line description; dashboards build their forms from it.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every optimizer with its hyperparameters, their defaults and bounds. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "optimizers": [
                         *         {
                         *           "name": "sgd",
                         *           "description": "Plain gradient descent: θ ← θ − η·g.",
                         *           "flavors": [
                         *             "paper",
                         *             "pytorch"
                         *           ],
                         *           "decoupledWeightDecay": false,
                         *           "hyperparameters": [
                         *             {
                         *               "name": "learningRate",
                         *               "type": "number",
                         *               "exclusiveMinimum": 0,
                         *               "default": {
                         *                 "paper": 0.01,
                         *                 "pytorch": 0.01
                         *               },
                         *               "flavors": [
                         *                 "paper",
                         *                 "pytorch"
                         *               ],
                         *               "description": "Step size η (> 0)."
                         *             }
                         *           ]
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": components["schemas"]["OptimizerCatalogue"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/parallel-algorithms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The parallel-algorithm catalogue
         * @description Every parallel algorithm (the `parallel` block of a run spec) with its paper, the optimizer it needs, the executions it runs in and its parameters with bounds and defaults.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every parallel algorithm with its settings. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "replicas": {
                         *         "minimum": 1,
                         *         "maximum": 64
                         *       },
                         *       "algorithms": [
                         *         {
                         *           "name": "downpour",
                         *           "description": "Downpour SGD: replicas push their accumulated displacement to a parameter server and pull its parameters every τ local steps.",
                         *           "paper": "Dean et al. 2012, \"Large Scale Distributed Deep Networks\"",
                         *           "optimizer": null,
                         *           "executions": [
                         *             "simulated",
                         *             "concurrent"
                         *           ],
                         *           "schedules": true,
                         *           "parameters": [
                         *             {
                         *               "name": "communicationPeriod",
                         *               "type": "integer",
                         *               "minimum": 1,
                         *               "maximum": 1000000,
                         *               "default": 1,
                         *               "simulatedOnly": false,
                         *               "description": "τ (downpour, easgd): local steps between two exchanges with the center (default 1)."
                         *             }
                         *           ]
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": components["schemas"]["ParallelAlgorithmCatalogue"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/benchmarks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The benchmark catalogue
         * @description Every benchmark function with its formula, sizes and whether it takes a condition number; dashboards build their forms from it.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every benchmark objective with its sizes. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "benchmarks": [
                         *         {
                         *           "name": "rosenbrock",
                         *           "description": "Σ (1 − xᵢ)² + 100(xᵢ₊₁ − xᵢ²)²; start (−1.2, 1, −1.2, …); minimum 0 at (1, …, 1).",
                         *           "dimensions": {
                         *             "default": 2,
                         *             "min": 2,
                         *             "max": 10000000
                         *           },
                         *           "conditioned": false
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": components["schemas"]["BenchmarkCatalogue"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/metric-fields": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The metric catalogue
         * @description Every metric recorded per step (the `fields` of `GET /v1/runs/{id}/metrics`, besides `step` and `params`): what it measures, whether downsampled answers summarise it, and how the dashboard draws it.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every recorded metric field, with how it is summarised and charted. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "fields": [
                         *         {
                         *           "name": "loss",
                         *           "description": "The training loss at the parameters before the update (the mini-batch loss for a model).",
                         *           "rolledUp": true,
                         *           "sometimes": false,
                         *           "chart": {
                         *             "label": "loss",
                         *             "unit": "loss",
                         *             "shownByDefault": true
                         *           }
                         *         },
                         *         {
                         *           "name": "valLoss",
                         *           "description": "The validation loss after the update, on the steps with a validation pass.",
                         *           "rolledUp": true,
                         *           "sometimes": true,
                         *           "chart": {
                         *             "label": "validation loss",
                         *             "unit": "loss",
                         *             "shownByDefault": true
                         *           }
                         *         }
                         *       ]
                         *     }
                         */
                        "application/json": components["schemas"]["MetricFieldCatalogue"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{id}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A run's per-step metrics
         * @description Rows in step order with cursor pagination, or with `maxPoints` at most that many buckets (mean, min and max per field), computed from summaries kept at ingest. JSON or CSV. Send the `ETag` back as `If-None-Match` to get `304` while nothing new was recorded. A whole range streamed as CSV or JSON lines counts against the tenant's `TENANT_MAX_CONCURRENT_EXPORTS` until it is sent (429 `too_many_concurrent` beyond); a running run's ends at the last step recorded when it began.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Comma-separated fields to return besides `step`: loss, valLoss, valAccuracy, gradNorm, learningRate, updateNorm, epoch, elapsedSeconds, params. Default: all but `params`. */
                    fields?: string;
                    /** @description First step (inclusive). */
                    from?: number;
                    /** @description Last step (inclusive). */
                    to?: number;
                    /** @description Rows per page (not with `maxPoints`); default 1000 for JSON. CSV and JSON lines without `limit`, `cursor` or `maxPoints` stream every row of the range. */
                    limit?: number;
                    /** @description `nextCursor` of the previous page (not with `maxPoints`). */
                    cursor?: string;
                    /** @description Downsample to at most this many buckets when the range holds more rows; all of them in one answer (no `limit` or `cursor`). Buckets share one width (`bucketSize`, aligned to its multiples), the narrowest that gives at most `maxPoints`: so exactly `maxPoints` where the range's rows allow it, on a range of up to max(16,384, 16·maxPoints) steps; a longer one is cut at whole summaries kept at ingest, which leave at least four fifths of the buckets the narrowest width would past 64·maxPoints steps and at least half below. */
                    maxPoints?: number;
                    /** @description `csv` for text/csv (also chosen by `Accept: text/csv`), `jsonl` for one JSON object per line (`Accept: application/jsonl` or `application/x-ndjson`). */
                    format?: "json" | "csv" | "jsonl";
                };
                header?: never;
                path: {
                    /** @description The run id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Recorded steps (or buckets with `maxPoints`) in step order, in JSON, JSON lines or CSV. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "runId": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *       "fields": [
                         *         "loss",
                         *         "gradNorm"
                         *       ],
                         *       "downsampled": true,
                         *       "bucketSize": 250,
                         *       "points": [
                         *         {
                         *           "step": 1,
                         *           "stepEnd": 250,
                         *           "count": 250,
                         *           "loss": 13.4,
                         *           "lossMin": 4.31,
                         *           "lossMax": 30.4,
                         *           "gradNorm": 45.2,
                         *           "gradNormMin": 2.1,
                         *           "gradNormMax": 179.6
                         *         },
                         *         {
                         *           "step": 251,
                         *           "stepEnd": 500,
                         *           "count": 250,
                         *           "loss": 4.25,
                         *           "lossMin": 4.21,
                         *           "lossMax": 4.31,
                         *           "gradNorm": 1.9,
                         *           "gradNormMin": 1.2,
                         *           "gradNormMax": 2.1
                         *         }
                         *       ],
                         *       "nextCursor": null
                         *     }
                         */
                        "application/json": components["schemas"]["MetricsPage"];
                        "text/csv": string;
                    };
                };
                /** @description Not modified since the ETag sent in If-None-Match: no new steps. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service Descent needs is unreachable: retry after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{id}/landscape": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A two-parameter run's objective on a grid
         * @description Evaluates the objective on a `resolution` × `resolution` grid (by default framing the start, the trajectory, the final parameters and the known minimum) for contour plots. 422 for objectives that do not have exactly two parameters.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Grid points along each axis (at most 200). */
                    resolution?: number;
                    /** @description `low,high` of the first parameter; default: frames the trajectory. */
                    xRange?: string;
                    /** @description `low,high` of the second parameter; default: frames the trajectory. */
                    yRange?: string;
                };
                header?: never;
                path: {
                    /** @description The run id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The objective on a grid over the two parameters, with the run's path. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "runId": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *       "variables": [
                         *         "x",
                         *         "y"
                         *       ],
                         *       "resolution": 3,
                         *       "xRange": [
                         *         -2,
                         *         2
                         *       ],
                         *       "yRange": [
                         *         -1,
                         *         3
                         *       ],
                         *       "x": [
                         *         -2,
                         *         0,
                         *         2
                         *       ],
                         *       "y": [
                         *         -1,
                         *         1,
                         *         3
                         *       ],
                         *       "values": [
                         *         [
                         *           2509,
                         *           101,
                         *           2501
                         *         ],
                         *         [
                         *           909,
                         *           101,
                         *           901
                         *         ],
                         *         [
                         *           109,
                         *           901,
                         *           101
                         *         ]
                         *       ],
                         *       "valueRange": {
                         *         "min": 101,
                         *         "max": 2509
                         *       },
                         *       "start": [
                         *         -1.5,
                         *         2
                         *       ],
                         *       "final": [
                         *         -1.05192,
                         *         1.11245
                         *       ],
                         *       "minimum": {
                         *         "value": 0,
                         *         "params": [
                         *           1,
                         *           1
                         *         ]
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Landscape"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well formed, but it cannot be used: `code` and `detail` say why. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{id}/parameters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The names of a run's parameters
         * @description In vector order, as the objective names them. 422 when the objective can no longer be built (a stored objective or dataset deleted).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The run id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The parameters' names, in vector order. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "runId": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *       "dimensions": 2,
                         *       "dimension": 2,
                         *       "names": [
                         *         "x",
                         *         "y"
                         *       ]
                         *     }
                         */
                        "application/json": components["schemas"]["ParameterNames"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well formed, but it cannot be used: `code` and `detail` say why. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow a run live
         * @description Server-sent events (`text/event-stream`), each `data` one JSON object: `status` `{ runId, status, result }` first and at every change of status; `progress` `{ runId, progress, earlyStoppingState }` (as in the run view; also as `earlyStopping`, deprecated and kept for one version) after it when the run has progressed, then every ~250 ms while running; `metrics` `{ runId, firstStep, lastStep, count, rows }` after each stored slice, `rows` holding at most 256 of its `count` steps (evenly spaced, the last included; the rest from `/metrics?from=firstStep&to=lastStep`), with `id: lastStep`; `end` `{}` when the run has finished; `reconnect` `{ reason, retryMs }` when the server ends the stream early (a client reading too slowly, a shutdown, Redis unreachable, the API key revoked).
         */
        get: {
            parameters: {
                query?: {
                    /** @description Ignored, with any value, given once or more: the id of the last event received, which some EventSource polyfills add as `lastEventId` when they reconnect (some again at every reconnection). A stream opens with the stored state afresh; nothing is replayed. */
                    lastEventId?: string | string[];
                    /** @description Ignored, with any value, given once or more: the id of the last event received, which some EventSource polyfills add as `Last-Event-ID` when they reconnect (some again at every reconnection). A stream opens with the stored state afresh; nothing is replayed. */
                    "Last-Event-ID"?: string | string[];
                    /** @description Ignored, with any value, given once or more: the id of the last event received, which some EventSource polyfills add as `Last-Event-Id` when they reconnect (some again at every reconnection). A stream opens with the stored state afresh; nothing is replayed. */
                    "Last-Event-Id"?: string | string[];
                };
                header?: never;
                path: {
                    /** @description The run id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The run's event stream, until it ends. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List sweeps
         * @description Newest first, with cursor pagination. Carries an `ETag`: send it back as `If-None-Match` to get `304` while the page is unchanged.
         */
        get: {
            parameters: {
                query?: {
                    status?: components["schemas"]["SweepStatus"];
                    /** @description Items in the page (1 … 200, default 50). */
                    limit?: number;
                    /** @description `nextCursor` of the previous page; none for the first page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of sweeps, newest first. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "sweeps": [
                         *         {
                         *           "id": "7b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
                         *           "name": "adam learning rate",
                         *           "status": "completed",
                         *           "createdAt": "2026-03-14T09:26:53.000Z",
                         *           "startedAt": "2026-03-14T09:26:53.120Z",
                         *           "finishedAt": "2026-03-14T09:27:05.000Z",
                         *           "spec": {
                         *             "name": "adam learning rate",
                         *             "base": {
                         *               "objective": {
                         *                 "type": "expression",
                         *                 "expression": "(1 - x)^2 + 100*(y - x^2)^2",
                         *                 "variables": [
                         *                   "x",
                         *                   "y"
                         *                 ],
                         *                 "initial": [
                         *                   -1.5,
                         *                   2
                         *                 ]
                         *               },
                         *               "optimizer": {
                         *                 "name": "adam",
                         *                 "learningRate": 0.01
                         *               },
                         *               "training": {
                         *                 "maxSteps": 500
                         *               }
                         *             },
                         *             "parameters": {
                         *               "optimizer.learningRate": {
                         *                 "type": "float",
                         *                 "low": 0.001,
                         *                 "high": 0.1,
                         *                 "log": true
                         *               }
                         *             },
                         *             "metric": {
                         *               "name": "bestLoss"
                         *             },
                         *             "sampler": {
                         *               "type": "tpe",
                         *               "startupTrials": 10,
                         *               "nEiCandidates": 24,
                         *               "gamma": 0.1,
                         *               "gammaMax": 25,
                         *               "considerPrior": true,
                         *               "priorWeight": 1,
                         *               "considerMagicClip": true,
                         *               "considerEndpoints": false,
                         *               "multivariate": false,
                         *               "constantLiar": false,
                         *               "seed": 1234567
                         *             },
                         *             "pruner": {
                         *               "type": "none"
                         *             },
                         *             "budget": {
                         *               "maxTrials": 12
                         *             },
                         *             "parallelism": 4
                         *           },
                         *           "trials": {
                         *             "queued": 0,
                         *             "running": 0,
                         *             "completed": 4,
                         *             "early_stopped": 0,
                         *             "diverged": 0,
                         *             "failed": 0,
                         *             "cancelled": 0,
                         *             "pruned": 8,
                         *             "total": 12
                         *           },
                         *           "best": {
                         *             "runId": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *             "trialNumber": 7,
                         *             "value": 0.0000127,
                         *             "parameters": {
                         *               "optimizer.learningRate": 0.0412
                         *             }
                         *           },
                         *           "progress": {
                         *             "trials": 12,
                         *             "maxTrials": 12,
                         *             "fraction": 1,
                         *             "elapsedSeconds": 11.9,
                         *             "timeLimitSeconds": null
                         *           },
                         *           "result": {
                         *             "reason": "budget_exhausted",
                         *             "message": "All 12 trials of the budget finished."
                         *           }
                         *         }
                         *       ],
                         *       "nextCursor": null
                         *     }
                         */
                        "application/json": components["schemas"]["SweepList"];
                    };
                };
                /** @description Not modified since the ETag sent in If-None-Match. */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Start a sweep
         * @description Stores the sweep (status `queued`) and wakes its coordinator, which creates trials (runs) up to `parallelism` and the budget. The spec comes back with every default and the sampler seed filled in. A repeated `Idempotency-Key` returns the sweep created first.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Any unique string; retries with the same key and spec return the same sweep. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            /** @description A hyperparameter search: a base run spec, the searched parameters, how to choose and prune trials, and the budget. */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SweepSpecInput"];
                };
            };
            responses: {
                /** @description The sweep, stored and started (or the sweep first created with this Idempotency-Key). */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "7b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
                         *       "name": "adam learning rate",
                         *       "status": "queued",
                         *       "createdAt": "2026-03-14T09:26:53.000Z",
                         *       "startedAt": null,
                         *       "finishedAt": null,
                         *       "spec": {
                         *         "name": "adam learning rate",
                         *         "base": {
                         *           "objective": {
                         *             "type": "expression",
                         *             "expression": "(1 - x)^2 + 100*(y - x^2)^2",
                         *             "variables": [
                         *               "x",
                         *               "y"
                         *             ],
                         *             "initial": [
                         *               -1.5,
                         *               2
                         *             ]
                         *           },
                         *           "optimizer": {
                         *             "name": "adam",
                         *             "learningRate": 0.01
                         *           },
                         *           "training": {
                         *             "maxSteps": 500
                         *           }
                         *         },
                         *         "parameters": {
                         *           "optimizer.learningRate": {
                         *             "type": "float",
                         *             "low": 0.001,
                         *             "high": 0.1,
                         *             "log": true
                         *           }
                         *         },
                         *         "metric": {
                         *           "name": "bestLoss"
                         *         },
                         *         "sampler": {
                         *           "type": "tpe",
                         *           "startupTrials": 10,
                         *           "nEiCandidates": 24,
                         *           "gamma": 0.1,
                         *           "gammaMax": 25,
                         *           "considerPrior": true,
                         *           "priorWeight": 1,
                         *           "considerMagicClip": true,
                         *           "considerEndpoints": false,
                         *           "multivariate": false,
                         *           "constantLiar": false,
                         *           "seed": 1234567
                         *         },
                         *         "pruner": {
                         *           "type": "none"
                         *         },
                         *         "budget": {
                         *           "maxTrials": 12
                         *         },
                         *         "parallelism": 4
                         *       },
                         *       "trials": {
                         *         "queued": 0,
                         *         "running": 0,
                         *         "completed": 0,
                         *         "early_stopped": 0,
                         *         "diverged": 0,
                         *         "failed": 0,
                         *         "cancelled": 0,
                         *         "pruned": 0,
                         *         "total": 0
                         *       },
                         *       "best": null,
                         *       "progress": {
                         *         "trials": 0,
                         *         "maxTrials": 12,
                         *         "fraction": 0,
                         *         "elapsedSeconds": null,
                         *         "timeLimitSeconds": null
                         *       },
                         *       "result": null
                         *     }
                         */
                        "application/json": components["schemas"]["Sweep"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource's state does not allow it: `code` says why. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is too large. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body's media type is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well formed, but it cannot be used: `code` and `detail` say why. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service Descent needs is unreachable: retry after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a sweep
         * @description Status, trials per status, the best trial so far, progress against the budget, and why it ended.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The sweep id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The sweep: progress, trial counts, best trial and, once ended, why. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "7b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
                         *       "name": "adam learning rate",
                         *       "status": "completed",
                         *       "createdAt": "2026-03-14T09:26:53.000Z",
                         *       "startedAt": "2026-03-14T09:26:53.120Z",
                         *       "finishedAt": "2026-03-14T09:27:05.000Z",
                         *       "spec": {
                         *         "name": "adam learning rate",
                         *         "base": {
                         *           "objective": {
                         *             "type": "expression",
                         *             "expression": "(1 - x)^2 + 100*(y - x^2)^2",
                         *             "variables": [
                         *               "x",
                         *               "y"
                         *             ],
                         *             "initial": [
                         *               -1.5,
                         *               2
                         *             ]
                         *           },
                         *           "optimizer": {
                         *             "name": "adam",
                         *             "learningRate": 0.01
                         *           },
                         *           "training": {
                         *             "maxSteps": 500
                         *           }
                         *         },
                         *         "parameters": {
                         *           "optimizer.learningRate": {
                         *             "type": "float",
                         *             "low": 0.001,
                         *             "high": 0.1,
                         *             "log": true
                         *           }
                         *         },
                         *         "metric": {
                         *           "name": "bestLoss"
                         *         },
                         *         "sampler": {
                         *           "type": "tpe",
                         *           "startupTrials": 10,
                         *           "nEiCandidates": 24,
                         *           "gamma": 0.1,
                         *           "gammaMax": 25,
                         *           "considerPrior": true,
                         *           "priorWeight": 1,
                         *           "considerMagicClip": true,
                         *           "considerEndpoints": false,
                         *           "multivariate": false,
                         *           "constantLiar": false,
                         *           "seed": 1234567
                         *         },
                         *         "pruner": {
                         *           "type": "none"
                         *         },
                         *         "budget": {
                         *           "maxTrials": 12
                         *         },
                         *         "parallelism": 4
                         *       },
                         *       "trials": {
                         *         "queued": 0,
                         *         "running": 0,
                         *         "completed": 4,
                         *         "early_stopped": 0,
                         *         "diverged": 0,
                         *         "failed": 0,
                         *         "cancelled": 0,
                         *         "pruned": 8,
                         *         "total": 12
                         *       },
                         *       "best": {
                         *         "runId": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *         "trialNumber": 7,
                         *         "value": 0.0000127,
                         *         "parameters": {
                         *           "optimizer.learningRate": 0.0412
                         *         }
                         *       },
                         *       "progress": {
                         *         "trials": 12,
                         *         "maxTrials": 12,
                         *         "fraction": 1,
                         *         "elapsedSeconds": 11.9,
                         *         "timeLimitSeconds": null
                         *       },
                         *       "result": {
                         *         "reason": "budget_exhausted",
                         *         "message": "All 12 trials of the budget finished."
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Sweep"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{id}/trials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A sweep's leaderboard
         * @description Its trials best first (or by trial number with `order=trial`), paged; CSV with `format=csv` or `Accept: text/csv` (one column per parameter; its `rank` is the row's place in the walk of the leaderboard, empty with `order=trial`). Each trial is a run: `runId` works with every /v1/runs route. Pages continue after the last trial of the page before, whatever ended meanwhile (a keyset cursor, not an offset). `order=trial` lists the trials by trial number, which never changes: a walk of its pages returns every trial exactly once, even while the sweep runs (trials it creates during the walk come last), each as it was when its page was read. `order=rank` (the default) is the leaderboard, best first, whose order changes as trials end: a walk of its pages returns every trial exactly once when none changes its place meanwhile, and every trial that keeps its place exactly once whatever others do; a trial that changes its place during the walk (it finishes, or gets its value) is returned twice when it moves behind the page already read, or not at all when it moves ahead of it. To see every trial of a running sweep exactly once, walk `order=trial` and rank the trials yourself; to watch the best ones, read the first page of `order=rank` again.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Trials per page. */
                    limit?: number;
                    /** @description `nextCursor` of the previous page, of the same `order` (another order's cursor is a 400 `invalid_cursor`). */
                    cursor?: string;
                    /** @description `rank` (the default): the leaderboard, best first. `trial`: by trial number, an order that never changes, whose pages return every trial exactly once while the sweep runs. */
                    order?: "rank" | "trial";
                    /** @description `csv` for text/csv (also chosen by `Accept: text/csv`). */
                    format?: "json" | "csv";
                };
                header?: never;
                path: {
                    /** @description The sweep id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The sweep's trials, best first (JSON or CSV). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "items": [
                         *         {
                         *           "runId": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *           "trialNumber": 7,
                         *           "status": "completed",
                         *           "value": 0.0000127,
                         *           "parameters": {
                         *             "optimizer.learningRate": 0.0412
                         *           },
                         *           "steps": 500,
                         *           "stopReason": "max_steps",
                         *           "message": "Reached maxSteps: 500 updates.",
                         *           "pruning": null,
                         *           "createdAt": "2026-03-14T09:26:53.120Z",
                         *           "finishedAt": "2026-03-14T09:26:53.410Z"
                         *         }
                         *       ],
                         *       "nextCursor": null
                         *     }
                         */
                        "application/json": components["schemas"]["TrialList"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a sweep
         * @description No more trials start; queued trials are cancelled at once, running ones stop within a slice (stopReason `cancelled`), and one that no worker is running (its job waits to resume, failed or is gone) is cancelled at once. A sweep a client has cancelled answers a cancel again as it did the first time (200), its running trials told to stop again: a cancel answered 503 (Redis unreachable) ended the sweep, and its retry stops the trials it could not. A sweep that has ended otherwise cannot be cancelled (409).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The sweep id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The sweep, cancelled with its running trials. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "7b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
                         *       "name": "adam learning rate",
                         *       "status": "cancelled",
                         *       "createdAt": "2026-03-14T09:26:53.000Z",
                         *       "startedAt": "2026-03-14T09:26:53.120Z",
                         *       "finishedAt": "2026-03-14T09:27:05.000Z",
                         *       "spec": {
                         *         "name": "adam learning rate",
                         *         "base": {
                         *           "objective": {
                         *             "type": "expression",
                         *             "expression": "(1 - x)^2 + 100*(y - x^2)^2",
                         *             "variables": [
                         *               "x",
                         *               "y"
                         *             ],
                         *             "initial": [
                         *               -1.5,
                         *               2
                         *             ]
                         *           },
                         *           "optimizer": {
                         *             "name": "adam",
                         *             "learningRate": 0.01
                         *           },
                         *           "training": {
                         *             "maxSteps": 500
                         *           }
                         *         },
                         *         "parameters": {
                         *           "optimizer.learningRate": {
                         *             "type": "float",
                         *             "low": 0.001,
                         *             "high": 0.1,
                         *             "log": true
                         *           }
                         *         },
                         *         "metric": {
                         *           "name": "bestLoss"
                         *         },
                         *         "sampler": {
                         *           "type": "tpe",
                         *           "startupTrials": 10,
                         *           "nEiCandidates": 24,
                         *           "gamma": 0.1,
                         *           "gammaMax": 25,
                         *           "considerPrior": true,
                         *           "priorWeight": 1,
                         *           "considerMagicClip": true,
                         *           "considerEndpoints": false,
                         *           "multivariate": false,
                         *           "constantLiar": false,
                         *           "seed": 1234567
                         *         },
                         *         "pruner": {
                         *           "type": "none"
                         *         },
                         *         "budget": {
                         *           "maxTrials": 12
                         *         },
                         *         "parallelism": 4
                         *       },
                         *       "trials": {
                         *         "queued": 0,
                         *         "running": 0,
                         *         "completed": 4,
                         *         "early_stopped": 0,
                         *         "diverged": 0,
                         *         "failed": 0,
                         *         "cancelled": 0,
                         *         "pruned": 8,
                         *         "total": 12
                         *       },
                         *       "best": {
                         *         "runId": "3f0c9a4e-5b7d-4c1e-9a2b-8d6e4f1a2c3b",
                         *         "trialNumber": 7,
                         *         "value": 0.0000127,
                         *         "parameters": {
                         *           "optimizer.learningRate": 0.0412
                         *         }
                         *       },
                         *       "progress": {
                         *         "trials": 12,
                         *         "maxTrials": 12,
                         *         "fraction": 1,
                         *         "elapsedSeconds": 11.9,
                         *         "timeLimitSeconds": null
                         *       },
                         *       "result": {
                         *         "reason": "cancelled",
                         *         "message": "A client cancelled the sweep."
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Sweep"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource's state does not allow it: `code` says why. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service Descent needs is unreachable: retry after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow a sweep live
         * @description Server-sent events (`text/event-stream`), each `data` one JSON object: `sweep` `{ sweepId, status, result }` first and after every coordination round that started trials or ended the sweep; `trial` `{ sweepId, runId, trialNumber, status }` when one of its trials has ended, told once, with its final status; `end` `{}` when the sweep has finished (its final `sweep` event told once, a minute or more late when its ender did not tell it: a cancel answered while Redis was unreachable, a worker that stopped first); `reconnect` `{ reason, retryMs }` when the server ends the stream early (a client reading too slowly, a shutdown). A client that reconnects opens with the sweep's state afresh. A client must still accept a `trial` status `ended`, which only a worker of an earlier release sends (during an upgrade): it said so, without reading how, of a trial it did not end itself (another worker that took the trial over may still be running it), besides the final status its ender told; read the run for how it ended.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Ignored, with any value, given once or more: the id of the last event received, which some EventSource polyfills add as `lastEventId` when they reconnect (some again at every reconnection). A stream opens with the stored state afresh; nothing is replayed. */
                    lastEventId?: string | string[];
                    /** @description Ignored, with any value, given once or more: the id of the last event received, which some EventSource polyfills add as `Last-Event-ID` when they reconnect (some again at every reconnection). A stream opens with the stored state afresh; nothing is replayed. */
                    "Last-Event-ID"?: string | string[];
                    /** @description Ignored, with any value, given once or more: the id of the last event received, which some EventSource polyfills add as `Last-Event-Id` when they reconnect (some again at every reconnection). A stream opens with the stored state afresh; nothing is replayed. */
                    "Last-Event-Id"?: string | string[];
                };
                header?: never;
                path: {
                    /** @description The sweep id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The sweep's event stream, until it ends. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List datasets
         * @description Newest first, with cursor pagination; descriptions only. With `contentSha256`, only the datasets of that content (an exact match of their sha256 digest; one that is not a digest is a 400 `validation_failed` naming it).
         */
        get: {
            parameters: {
                query?: {
                    /** @description Items in the page (1 … 200, default 50). */
                    limit?: number;
                    /** @description `nextCursor` of the previous page; none for the first page. */
                    cursor?: string;
                    /** @description Only the datasets of this content: their `contentSha256` is this one (`sha256:` and 64 lowercase hex digits; a dataset stored before digests were kept has none, and is never listed). Equal data uploaded again is stored again: this finds the one stored before, without reading every page. */
                    contentSha256?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of datasets, newest first. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "datasets": [
                         *         {
                         *           "id": "df4d7794-7edb-4df6-a825-d74d2cec7fa5",
                         *           "name": "xor",
                         *           "format": "json",
                         *           "createdAt": "2026-03-14T09:26:53.000Z",
                         *           "rows": 4,
                         *           "contentHash": "fnv1a64:9928216622d635e5",
                         *           "contentSha256": "sha256:3c53e8e6cff5a98ae5e28570090544d512f0636eab318ec49c91a2cd80937cce",
                         *           "schema": {
                         *             "layout": "dense",
                         *             "featureCount": 2,
                         *             "columns": [
                         *               "x1",
                         *               "x2"
                         *             ],
                         *             "target": "target",
                         *             "classes": [
                         *               0,
                         *               1
                         *             ],
                         *             "difficulty": false,
                         *             "nonZeros": null
                         *           }
                         *         }
                         *       ],
                         *       "nextCursor": null
                         *     }
                         */
                        "application/json": components["schemas"]["DatasetList"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Upload a dataset
         * @description JSON (`application/json`, the schema below: the dense or sparse form a model objective takes inline) or CSV (`Content-Type: text/csv`: a header row of column names of at most 200 characters, then one row of decimal numbers per line; `?target=<column>` names the target, default the last column; `?difficulty=<column>` a difficulty column; `?name=` a name). CSV is streamed to the database block by block as it is read, never held whole; JSON is parsed and validated off the event loop. Answers with the description (schema, row count, content hash and digest), not the data. Too many bytes, rows or columns: 413. A malformed CSV (ragged row, non-numeric cell, missing value, unknown target column, empty file): 422 naming the line and column. An upload that would take the tenant's stored dataset bytes (8 a stored number) past `TENANT_MAX_DATASET_BYTES`: 403 `storage_quota_exceeded`, naming the quota, its limit and the use. A tenant with `TENANT_MAX_CONCURRENT_UPLOADS` uploads already in progress on the server: 429 `too_many_concurrent` with `Retry-After`, the body unread (CSV or JSON). An upload that waits for one of the upload connections longer than its bound (120 s): 503 `service_busy` with `Retry-After`. A refused upload stores nothing. Reference the dataset from a model objective as `"data": {"id": …}`.
         */
        post: {
            parameters: {
                query?: {
                    /** @description CSV only: name of the target column (default: the last column). */
                    target?: string;
                    /** @description CSV only: name of a difficulty column, for curriculum learning. */
                    difficulty?: string;
                    /** @description CSV only: a name to recognise the dataset by (JSON uploads put it in the body). */
                    name?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description Dense `{features, targets, columnNames?, difficulty?}` or sparse `{columns, rows: [{indices, values}], targets, …}`, with an optional name and targetName. */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["DatasetUpload"];
                };
            };
            responses: {
                /** @description The stored dataset (or the same content uploaded before). */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "df4d7794-7edb-4df6-a825-d74d2cec7fa5",
                         *       "name": "xor",
                         *       "format": "json",
                         *       "createdAt": "2026-03-14T09:26:53.000Z",
                         *       "rows": 4,
                         *       "contentHash": "fnv1a64:9928216622d635e5",
                         *       "contentSha256": "sha256:3c53e8e6cff5a98ae5e28570090544d512f0636eab318ec49c91a2cd80937cce",
                         *       "schema": {
                         *         "layout": "dense",
                         *         "featureCount": 2,
                         *         "columns": [
                         *           "x1",
                         *           "x2"
                         *         ],
                         *         "target": "target",
                         *         "classes": [
                         *           0,
                         *           1
                         *         ],
                         *         "difficulty": false,
                         *         "nonZeros": null
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Dataset"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A storage quota of the tenant would be exceeded: `quota` names it, its limit and the use. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is too large. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body's media type is not accepted. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well formed, but it cannot be used: `code` and `detail` say why. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A service Descent needs is unreachable: retry after `Retry-After` seconds. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Describe a dataset
         * @description Name, format, row count, content hash and digest, and schema (columns, feature count, classes). The rows: `GET /v1/datasets/{id}/data`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The dataset id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The dataset: its shape, columns and content hash. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "df4d7794-7edb-4df6-a825-d74d2cec7fa5",
                         *       "name": "xor",
                         *       "format": "json",
                         *       "createdAt": "2026-03-14T09:26:53.000Z",
                         *       "rows": 4,
                         *       "contentHash": "fnv1a64:9928216622d635e5",
                         *       "contentSha256": "sha256:3c53e8e6cff5a98ae5e28570090544d512f0636eab318ec49c91a2cd80937cce",
                         *       "schema": {
                         *         "layout": "dense",
                         *         "featureCount": 2,
                         *         "columns": [
                         *           "x1",
                         *           "x2"
                         *         ],
                         *         "target": "target",
                         *         "classes": [
                         *           0,
                         *           1
                         *         ],
                         *         "difficulty": false,
                         *         "nonZeros": null
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Dataset"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a dataset
         * @description A dataset that a run names, directly or through its stored objective (finished or not: a finished run's landscape and parameter names are built from it), a sweep that has not ended or a stored objective cannot be deleted: 409 `dataset_in_use`, whose `usedBy` counts them and lists the newest. Delete those runs (cancel an unfinished one) and stored objectives first, and cancel those sweeps or let them end. A run, sweep or stored objective naming it that is submitted meanwhile is either stored first (and the deletion is that 409) or refused after it, with the 404 `dataset_not_found` of one naming no dataset. A tenant has at most `TENANT_MAX_CONCURRENT_DELETIONS` deletions (of runs, stored objectives and datasets) in progress on the API process: one more is 429 `too_many_concurrent` with `Retry-After`.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The dataset id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource's state does not allow it: `code` says why. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets/{id}/data": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a dataset's rows
         * @description A page of rows in the upload form, exactly as stored (every number bit for bit).
         */
        get: {
            parameters: {
                query?: {
                    /** @description First row of the page (0-based). */
                    offset?: number;
                    /** @description Rows in the page, at most. */
                    limit?: number;
                };
                header?: never;
                path: {
                    /** @description The dataset id (a UUID). */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of the dataset's rows. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "id": "df4d7794-7edb-4df6-a825-d74d2cec7fa5",
                         *       "offset": 0,
                         *       "totalRows": 4,
                         *       "nextOffset": null,
                         *       "data": {
                         *         "features": [
                         *           [
                         *             0,
                         *             0
                         *           ],
                         *           [
                         *             0,
                         *             1
                         *           ],
                         *           [
                         *             1,
                         *             0
                         *           ],
                         *           [
                         *             1,
                         *             1
                         *           ]
                         *         ],
                         *         "targets": [
                         *           0,
                         *           1,
                         *           1,
                         *           0
                         *         ],
                         *         "columnNames": [
                         *           "x1",
                         *           "x2"
                         *         ],
                         *         "targetName": "target"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["DatasetData"];
                    };
                };
                /** @description The request is invalid: the problem names every bad field in `errors`. */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or an unknown or revoked one. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found (another tenant's resource is not found either). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key spent its request budget, or the tenant has as many requests waiting for the API's threads as it may (`threads_busy`): retry after `Retry-After` seconds; or the tenant has its quota of unfinished runs (`quota` names it). */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description An objective to store (or check), with an optional name. */
        ObjectiveRequestInput: {
            /** @description A name to recognise the objective by. */
            name?: string;
            /** @description The objective: expression, benchmark, or model on data. */
            objective: {
                /** @enum {string} */
                type: "expression";
                /** @description Formula over the variables: + - * / ^, parentheses, numbers, pi, e and functions such as exp, log, sqrt, sigmoid, min, max, pow. */
                expression: string;
                /** @description Variable names, in parameter-vector order. */
                variables: string[];
                /** @description Starting point, one entry per variable (default: zeros). */
                initial?: number[];
            } | {
                /** @enum {string} */
                type: "benchmark";
                /**
                 * @description Which benchmark function.
                 * @enum {string}
                 */
                name: "rosenbrock" | "beale" | "booth" | "himmelblau" | "saddle" | "quadratic" | "rastrigin" | "ackley" | "styblinski-tang" | "sphere" | "matyas" | "three-hump-camel";
                /** @description Number of variables for n-dimensional functions (default: the length of initial, else 2). */
                dimensions?: number;
                /** @description Starting point (default: the function's standard start). */
                initial?: number[];
                /** @description Ratio of the largest to the smallest curvature (quadratic only, default 100). */
                conditionNumber?: number;
            } | {
                /** @enum {string} */
                type: "model";
                /**
                 * @description linear (½ squared error), logistic (binary cross-entropy), svm (hinge loss, targets 0 or 1), softmax (cross-entropy), mlp.
                 * @enum {string}
                 */
                model: "linear" | "logistic" | "svm" | "softmax" | "mlp";
                /** @description Training data: inline, sparse inline, built in, an uploaded dataset id, or a CSV path (CLI). */
                data: {
                    /** @description One array of feature values per row. */
                    features: number[][];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | {
                    /** @description Number of feature columns. */
                    columns: number;
                    /** @description One entry list per row; absent columns are zero. */
                    rows: {
                        /** @description 0-based columns of the non-zero entries. */
                        indices: number[];
                        /** @description The entries, in the order of `indices`. */
                        values: number[];
                    }[];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | ({
                    /** @enum {string} */
                    builtin: "iris";
                } | {
                    /** @enum {string} */
                    builtin: "linear";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows?: number;
                    /**
                     * @description Number of features.
                     * @default 5
                     */
                    columns?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "blobs";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows?: number;
                    /**
                     * @description Number of features.
                     * @default 2
                     */
                    columns?: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes?: number;
                    /**
                     * @description Standard deviation around each centre.
                     * @default 1
                     */
                    spread?: number;
                    /**
                     * @description Centres are uniform in [−centerBox, centerBox] per feature.
                     * @default 5
                     */
                    centerBox?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "moons";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "spirals";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows?: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes?: number;
                    /**
                     * @description Turns of each arm.
                     * @default 1
                     */
                    turns?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.02
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "sparse-text";
                    /**
                     * @description Number of rows generated.
                     * @default 2000
                     */
                    rows?: number;
                    /**
                     * @description Vocabulary size.
                     * @default 1000
                     */
                    columns?: number;
                    /**
                     * @description Word draws per row (a repeated word counts up).
                     * @default 20
                     */
                    wordsPerRow?: number;
                    /**
                     * @description The most frequent words, which carry no signal.
                     * @default 10
                     */
                    commonWords?: number;
                    /**
                     * @description Exponent s of the word frequencies ∝ 1/(rank)^s.
                     * @default 1
                     */
                    zipfExponent?: number;
                    /**
                     * @description Probability of flipping each label.
                     * @default 0.05
                     */
                    labelNoise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                }) | {
                    /** @description Id of an uploaded dataset. */
                    id: string;
                } | {
                    /** @description A CSV file with a header row, relative to the spec file (CLI only). */
                    path: string;
                    /** @description Target column name or 0-based index (default the last). */
                    targetColumn?: string | number;
                    /** @description Difficulty column, for curriculum learning. */
                    difficultyColumn?: string | number;
                };
                /**
                 * @description Fraction of `data` held out for validation (seeded by `seed`).
                 * @default 0
                 */
                validationSplit?: number;
                /** @description A separate validation set (instead of validationSplit). */
                validation?: {
                    /** @description One array of feature values per row. */
                    features: number[][];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | {
                    /** @description Number of feature columns. */
                    columns: number;
                    /** @description One entry list per row; absent columns are zero. */
                    rows: {
                        /** @description 0-based columns of the non-zero entries. */
                        indices: number[];
                        /** @description The entries, in the order of `indices`. */
                        values: number[];
                    }[];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | ({
                    /** @enum {string} */
                    builtin: "iris";
                } | {
                    /** @enum {string} */
                    builtin: "linear";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows?: number;
                    /**
                     * @description Number of features.
                     * @default 5
                     */
                    columns?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "blobs";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows?: number;
                    /**
                     * @description Number of features.
                     * @default 2
                     */
                    columns?: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes?: number;
                    /**
                     * @description Standard deviation around each centre.
                     * @default 1
                     */
                    spread?: number;
                    /**
                     * @description Centres are uniform in [−centerBox, centerBox] per feature.
                     * @default 5
                     */
                    centerBox?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "moons";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "spirals";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows?: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes?: number;
                    /**
                     * @description Turns of each arm.
                     * @default 1
                     */
                    turns?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.02
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "sparse-text";
                    /**
                     * @description Number of rows generated.
                     * @default 2000
                     */
                    rows?: number;
                    /**
                     * @description Vocabulary size.
                     * @default 1000
                     */
                    columns?: number;
                    /**
                     * @description Word draws per row (a repeated word counts up).
                     * @default 20
                     */
                    wordsPerRow?: number;
                    /**
                     * @description The most frequent words, which carry no signal.
                     * @default 10
                     */
                    commonWords?: number;
                    /**
                     * @description Exponent s of the word frequencies ∝ 1/(rank)^s.
                     * @default 1
                     */
                    zipfExponent?: number;
                    /**
                     * @description Probability of flipping each label.
                     * @default 0.05
                     */
                    labelNoise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                }) | {
                    /** @description Id of an uploaded dataset. */
                    id: string;
                } | {
                    /** @description A CSV file with a header row, relative to the spec file (CLI only). */
                    path: string;
                    /** @description Target column name or 0-based index (default the last). */
                    targetColumn?: string | number;
                    /** @description Difficulty column, for curriculum learning. */
                    difficultyColumn?: string | number;
                };
                /** @description Starting parameters, in the documented order. */
                initial?: number[];
                /** @description mlp: hidden layer sizes (default [16]). */
                hidden?: number[];
                /**
                 * @description mlp: hidden activation (default relu).
                 * @enum {string}
                 */
                activation?: "relu" | "tanh" | "sigmoid";
                /** @description mlp: batch normalization before each hidden activation (default false). */
                batchNormalization?: boolean;
                /**
                 * @description mlp: output layer loss (default softmax for class targets, else linear).
                 * @enum {string}
                 */
                output?: "linear" | "logistic" | "softmax";
                /**
                 * @description λ of the penalty (λ/2)·‖weights‖² (biases, γ and β excluded).
                 * @default 0
                 */
                l2?: number;
                /** @description softmax: number of classes (default: largest target + 1). */
                classes?: number;
                /** @description Seed of the validation split and of the mlp initialisation (default 0). */
                seed?: number;
            };
        };
        RunSpecInput: {
            /** @description What to minimise: an inline objective spec, or {"id": …} of a stored objective. */
            objective: ({
                /** @enum {string} */
                type: "expression";
                /** @description Formula over the variables: + - * / ^, parentheses, numbers, pi, e and functions such as exp, log, sqrt, sigmoid, min, max, pow. */
                expression: string;
                /** @description Variable names, in parameter-vector order. */
                variables: string[];
                /** @description Starting point, one entry per variable (default: zeros). */
                initial?: number[];
            } | {
                /** @enum {string} */
                type: "benchmark";
                /**
                 * @description Which benchmark function.
                 * @enum {string}
                 */
                name: "rosenbrock" | "beale" | "booth" | "himmelblau" | "saddle" | "quadratic" | "rastrigin" | "ackley" | "styblinski-tang" | "sphere" | "matyas" | "three-hump-camel";
                /** @description Number of variables for n-dimensional functions (default: the length of initial, else 2). */
                dimensions?: number;
                /** @description Starting point (default: the function's standard start). */
                initial?: number[];
                /** @description Ratio of the largest to the smallest curvature (quadratic only, default 100). */
                conditionNumber?: number;
            } | {
                /** @enum {string} */
                type: "model";
                /**
                 * @description linear (½ squared error), logistic (binary cross-entropy), svm (hinge loss, targets 0 or 1), softmax (cross-entropy), mlp.
                 * @enum {string}
                 */
                model: "linear" | "logistic" | "svm" | "softmax" | "mlp";
                /** @description Training data: inline, sparse inline, built in, an uploaded dataset id, or a CSV path (CLI). */
                data: {
                    /** @description One array of feature values per row. */
                    features: number[][];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | {
                    /** @description Number of feature columns. */
                    columns: number;
                    /** @description One entry list per row; absent columns are zero. */
                    rows: {
                        /** @description 0-based columns of the non-zero entries. */
                        indices: number[];
                        /** @description The entries, in the order of `indices`. */
                        values: number[];
                    }[];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | ({
                    /** @enum {string} */
                    builtin: "iris";
                } | {
                    /** @enum {string} */
                    builtin: "linear";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows?: number;
                    /**
                     * @description Number of features.
                     * @default 5
                     */
                    columns?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "blobs";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows?: number;
                    /**
                     * @description Number of features.
                     * @default 2
                     */
                    columns?: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes?: number;
                    /**
                     * @description Standard deviation around each centre.
                     * @default 1
                     */
                    spread?: number;
                    /**
                     * @description Centres are uniform in [−centerBox, centerBox] per feature.
                     * @default 5
                     */
                    centerBox?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "moons";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "spirals";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows?: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes?: number;
                    /**
                     * @description Turns of each arm.
                     * @default 1
                     */
                    turns?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.02
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "sparse-text";
                    /**
                     * @description Number of rows generated.
                     * @default 2000
                     */
                    rows?: number;
                    /**
                     * @description Vocabulary size.
                     * @default 1000
                     */
                    columns?: number;
                    /**
                     * @description Word draws per row (a repeated word counts up).
                     * @default 20
                     */
                    wordsPerRow?: number;
                    /**
                     * @description The most frequent words, which carry no signal.
                     * @default 10
                     */
                    commonWords?: number;
                    /**
                     * @description Exponent s of the word frequencies ∝ 1/(rank)^s.
                     * @default 1
                     */
                    zipfExponent?: number;
                    /**
                     * @description Probability of flipping each label.
                     * @default 0.05
                     */
                    labelNoise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                }) | {
                    /** @description Id of an uploaded dataset. */
                    id: string;
                } | {
                    /** @description A CSV file with a header row, relative to the spec file (CLI only). */
                    path: string;
                    /** @description Target column name or 0-based index (default the last). */
                    targetColumn?: string | number;
                    /** @description Difficulty column, for curriculum learning. */
                    difficultyColumn?: string | number;
                };
                /**
                 * @description Fraction of `data` held out for validation (seeded by `seed`).
                 * @default 0
                 */
                validationSplit?: number;
                /** @description A separate validation set (instead of validationSplit). */
                validation?: {
                    /** @description One array of feature values per row. */
                    features: number[][];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | {
                    /** @description Number of feature columns. */
                    columns: number;
                    /** @description One entry list per row; absent columns are zero. */
                    rows: {
                        /** @description 0-based columns of the non-zero entries. */
                        indices: number[];
                        /** @description The entries, in the order of `indices`. */
                        values: number[];
                    }[];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | ({
                    /** @enum {string} */
                    builtin: "iris";
                } | {
                    /** @enum {string} */
                    builtin: "linear";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows?: number;
                    /**
                     * @description Number of features.
                     * @default 5
                     */
                    columns?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "blobs";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows?: number;
                    /**
                     * @description Number of features.
                     * @default 2
                     */
                    columns?: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes?: number;
                    /**
                     * @description Standard deviation around each centre.
                     * @default 1
                     */
                    spread?: number;
                    /**
                     * @description Centres are uniform in [−centerBox, centerBox] per feature.
                     * @default 5
                     */
                    centerBox?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "moons";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "spirals";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows?: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes?: number;
                    /**
                     * @description Turns of each arm.
                     * @default 1
                     */
                    turns?: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.02
                     */
                    noise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    builtin: "sparse-text";
                    /**
                     * @description Number of rows generated.
                     * @default 2000
                     */
                    rows?: number;
                    /**
                     * @description Vocabulary size.
                     * @default 1000
                     */
                    columns?: number;
                    /**
                     * @description Word draws per row (a repeated word counts up).
                     * @default 20
                     */
                    wordsPerRow?: number;
                    /**
                     * @description The most frequent words, which carry no signal.
                     * @default 10
                     */
                    commonWords?: number;
                    /**
                     * @description Exponent s of the word frequencies ∝ 1/(rank)^s.
                     * @default 1
                     */
                    zipfExponent?: number;
                    /**
                     * @description Probability of flipping each label.
                     * @default 0.05
                     */
                    labelNoise?: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed?: number;
                }) | {
                    /** @description Id of an uploaded dataset. */
                    id: string;
                } | {
                    /** @description A CSV file with a header row, relative to the spec file (CLI only). */
                    path: string;
                    /** @description Target column name or 0-based index (default the last). */
                    targetColumn?: string | number;
                    /** @description Difficulty column, for curriculum learning. */
                    difficultyColumn?: string | number;
                };
                /** @description Starting parameters, in the documented order. */
                initial?: number[];
                /** @description mlp: hidden layer sizes (default [16]). */
                hidden?: number[];
                /**
                 * @description mlp: hidden activation (default relu).
                 * @enum {string}
                 */
                activation?: "relu" | "tanh" | "sigmoid";
                /** @description mlp: batch normalization before each hidden activation (default false). */
                batchNormalization?: boolean;
                /**
                 * @description mlp: output layer loss (default softmax for class targets, else linear).
                 * @enum {string}
                 */
                output?: "linear" | "logistic" | "softmax";
                /**
                 * @description λ of the penalty (λ/2)·‖weights‖² (biases, γ and β excluded).
                 * @default 0
                 */
                l2?: number;
                /** @description softmax: number of classes (default: largest target + 1). */
                classes?: number;
                /** @description Seed of the validation split and of the mlp initialisation (default 0). */
                seed?: number;
            }) | {
                /** @description Id of a stored objective (POST /v1/objectives). */
                id: string;
            };
            /** @description How to minimise: `name` (see /v1/optimizers), `flavor` and hyperparameters. */
            optimizer: {
                /** @enum {string} */
                name: "sgd";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay?: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
            } | {
                /** @enum {string} */
                name: "momentum";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay?: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Momentum γ, the fraction of the previous update kept (0 ≤ value < 1). */
                momentum?: number;
            } | {
                /** @enum {string} */
                name: "nesterov";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay?: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Momentum γ, the fraction of the previous update kept (0 ≤ value < 1). */
                momentum?: number;
            } | {
                /** @enum {string} */
                name: "adagrad";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay?: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
            } | {
                /** @enum {string} */
                name: "adadelta";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay?: number;
                /** @description Decay ρ of the running averages of squared gradients and squared updates (0 ≤ value < 1). */
                rho?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
                /** @description Multiplier η on the update (flavor pytorch only) (> 0). */
                learningRate?: number;
            } | {
                /** @enum {string} */
                name: "rmsprop";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay?: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay ρ (the overview's γ) of the running average of squared gradients (0 ≤ value < 1). */
                rho?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
            } | {
                /** @enum {string} */
                name: "adam";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay?: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment (mean) estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the second-moment (uncentred variance) estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
            } | {
                /** @enum {string} */
                name: "adamax";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay?: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the infinity-norm estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Added to |g| inside the maximum (flavor pytorch only) (> 0). */
                epsilon?: number;
            } | {
                /** @enum {string} */
                name: "nadam";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay?: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment (mean) estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the second-moment (uncentred variance) estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
                /** @description Momentum-schedule decay ψ in μ_t = β1·(1 − ½·0.96^(t·ψ)) (flavor pytorch only) (≥ 0). */
                momentumDecay?: number;
            } | {
                /** @enum {string} */
                name: "amsgrad";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay?: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment (mean) estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the second-moment (uncentred variance) estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
            } | {
                /** @enum {string} */
                name: "adamw";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment (mean) estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the second-moment (uncentred variance) estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
                /** @description Decoupled weight decay λ: θ ← θ·(1 − η·λ) every step (≥ 0). */
                weightDecay?: number;
            } | {
                /** @enum {string} */
                name: "radam";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor?: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay?: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment (mean) estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the second-moment (uncentred variance) estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
            };
            /**
             * @description Step budget, batching, order and seed.
             * @default {}
             */
            training?: {
                /** @description Most updates to make (1 … 1e9). Default: 1000, or, when `epochs` is given, as many as the epochs take (at most 1e9). */
                maxSteps?: number;
                /** @description Stop after this many passes over the training data (a full-batch step on a non-data objective counts as one epoch); without maxSteps, the epochs alone decide. Default: no limit. */
                epochs?: number;
                /** @description Examples per update on data objectives: 1 stochastic, k mini-batch; omitted or ≥ the training rows: full batch. */
                batchSize?: number;
                /** @description Curriculum learning: the order in which each epoch visits the training examples. */
                curriculum?: {
                    /**
                     * @description Order by the data's difficulty column, or by each example's current loss (a model on data; a run whose objective cannot be ordered so is refused).
                     * @enum {string}
                     */
                    by: "difficulty" | "loss";
                    /**
                     * @description naive: easy → hard; mixed: easy → hard with uniform samples mixed in.
                     * @default naive
                     * @enum {string}
                     */
                    strategy?: "naive" | "mixed";
                    /**
                     * @description mixed: probability that a slot holds a uniformly sampled example instead (default 0.25).
                     * @default 0.25
                     */
                    uniformFraction?: number;
                };
                /**
                 * @description Reshuffle the training examples at the start of every epoch, seeded (default true).
                 * @default true
                 */
                shuffle?: boolean;
                /**
                 * @description Seed of every random choice of the run: shuffling, gradient noise (0 … 2³²−1, default 0).
                 * @default 0
                 */
                seed?: number;
                /** @description Stop with time_limit after this much computing time (default: none). */
                timeLimitSeconds?: number;
                /** @description Evaluate valLoss/valAccuracy every this many updates and always after the last one (default: record.every). */
                validationEvery?: number;
            };
            /** @description Learning-rate schedule around the optimizer (default: constant). Every type accepts warmupSteps. */
            schedule?: {
                /** @enum {string} */
                type: "constant";
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps?: number;
            } | {
                /** @enum {string} */
                type: "step";
                /** @description Updates between two decays (≥ 1). */
                stepSize: number;
                /**
                 * @description Factor γ applied every stepSize updates (0 < γ ≤ 1, default 0.1).
                 * @default 0.1
                 */
                gamma?: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps?: number;
            } | {
                /** @enum {string} */
                type: "exponential";
                /** @description Factor γ applied after every update (0 < γ ≤ 1). */
                gamma: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps?: number;
            } | {
                /** @enum {string} */
                type: "inverseTime";
                /** @description Rate k in η/(1 + k·(t−1)) (≥ 0). */
                decay: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps?: number;
            } | {
                /** @enum {string} */
                type: "cosine";
                /** @description Updates T from η down to η_min (default: the run’s total updates, maxSteps or what the epochs take); η_min afterwards. */
                periodSteps?: number;
                /**
                 * @description Floor η_min of the learning rate (≥ 0, default 0).
                 * @default 0
                 */
                minLearningRate?: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps?: number;
            } | {
                /** @enum {string} */
                type: "cosineRestarts";
                /** @description Length T_0 of the first period, in updates. */
                periodSteps: number;
                /**
                 * @description Factor m by which each period is longer than the previous (integer ≥ 1, default 1).
                 * @default 1
                 */
                periodMultiplier?: number;
                /**
                 * @description Floor η_min of the learning rate (≥ 0, default 0).
                 * @default 0
                 */
                minLearningRate?: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps?: number;
            } | {
                /** @enum {string} */
                type: "reduceOnPlateau";
                /**
                 * @description Value watched: training loss (every step) or validation loss (when evaluated). Default loss.
                 * @default loss
                 * @enum {string}
                 */
                monitor?: "loss" | "valLoss";
                /**
                 * @description Multiplier applied at each reduction (0 < factor < 1, default 0.1).
                 * @default 0.1
                 */
                factor?: number;
                /**
                 * @description Updates without improvement before a reduction (default 10).
                 * @default 10
                 */
                patience?: number;
                /**
                 * @description Improvement needed to count as better (absolute, default 0).
                 * @default 0
                 */
                minDelta?: number;
                /**
                 * @description Updates to wait after a reduction before counting again (default 0).
                 * @default 0
                 */
                cooldown?: number;
                /**
                 * @description Floor η_min of the learning rate (≥ 0, default 0).
                 * @default 0
                 */
                minLearningRate?: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps?: number;
            };
            /** @description Gaussian noise N(0, η/(1+t)^γ) added to every gradient coordinate (Neelakantan et al.). */
            gradientNoise?: {
                /**
                 * @description η: the noise variance scale in σ² = η/(1+t)^γ (default 0.01, the paper tries 0.01, 0.3, 1).
                 * @default 0.01
                 */
                variance?: number;
                /**
                 * @description γ: how fast the variance anneals (default 0.55, as in the paper).
                 * @default 0.55
                 */
                decay?: number;
            };
            /** @description Gradient clipping, by value then by global norm. */
            clip?: {
                /** @description Rescale the gradient so that ‖g‖₂ ≤ maxNorm. */
                maxNorm?: number;
                /** @description Clamp every gradient coordinate to [−maxValue, maxValue]. */
                maxValue?: number;
            };
            /** @description Early stopping (default: off). */
            earlyStopping?: {
                /**
                 * @description Value watched: training loss (every update) or validation loss (default valLoss; falls back to loss when there is no validation set).
                 * @default valLoss
                 * @enum {string}
                 */
                monitor?: "loss" | "valLoss";
                /**
                 * @description Updates without improvement before stopping (default 100).
                 * @default 100
                 */
                patience?: number;
                /**
                 * @description Decrease needed to count as an improvement (absolute, default 0).
                 * @default 0
                 */
                minDelta?: number;
                /**
                 * @description End with the parameters of the best monitored value instead of the last ones when they measure lower as the run ends (default false; see the result's restoredBest).
                 * @default false
                 */
                restoreBest?: boolean;
            };
            /** @description Targets; each is checked on the loss and raw gradient at the parameters before every update. */
            stopWhen?: {
                /** @description Stop (loss_target) after the first update whose loss is below this value. */
                lossBelow?: number;
                /** @description Stop (grad_norm_target) after the first update whose gradient norm ‖g‖₂ is below this value. */
                gradNormBelow?: number;
            };
            /**
             * @description Which steps are recorded.
             * @default {}
             */
            record?: {
                /** @description Record every this many updates, and always the last one (default ⌈total updates / 10000⌉: maxSteps, or what the epochs take when fewer). A concurrent hogwild run records these steps as its threads make them: a step is missing when the run's coordinator fell too far behind them. */
                every?: number;
                /** @description Include the parameters in each record (default: when there are at most 100). */
                params?: boolean;
            };
            /** @description Parallel and distributed SGD: p replicas of the run's optimizer (Hogwild!, Downpour, delay-tolerant AdaGrad, EASGD). */
            parallel?: {
                /**
                 * @description hogwild, downpour, adaptive-revision (delay-tolerant AdaGrad) or easgd.
                 * @enum {string}
                 */
                algorithm: "hogwild" | "downpour" | "adaptive-revision" | "easgd";
                /** @description p: threads (hogwild) or model replicas (the others), 1 … 64. Concurrent downpour, easgd and adaptive-revision share the steps as a simulated run deals them: replica i makes ⌈(maxSteps − i)/p⌉ of them (fewer when the run stops early), whatever the replicas' speeds and τ. */
                replicas: number;
                /**
                 * @description concurrent (default): real threads or replica jobs; simulated: replicas interleaved tick by tick in one process, bit-reproducible.
                 * @default concurrent
                 * @enum {string}
                 */
                execution?: "concurrent" | "simulated";
                /** @description τ (downpour, easgd): local steps between two exchanges with the center (default 1). */
                communicationPeriod?: number;
                /** @description α (easgd): the elastic exchange's rate, α = ηρ (default 0.9/p, the paper's β = pα = 0.9). */
                movingRate?: number;
                /** @description D (adaptive-revision, simulated): a gradient is applied D ticks after it was read (default 0, at most 10000). */
                delay?: number;
                /** @description Parameter-server shards in Redis (concurrent downpour, easgd, adaptive-revision; default 1). */
                shards?: number;
            };
        };
        SweepSpecInput: {
            /** @description A name to recognise the sweep by. */
            name?: string;
            /** @description A run spec (see RunSpec): what every trial starts from. */
            base: {
                [key: string]: unknown;
            };
            /** @description Searched parameters keyed by dotted paths into `base` (in order: `when` refers to earlier ones). A path no trial's spec can have, or a value its field never takes, is a 400 naming it. */
            parameters: {
                [key: string]: {
                    /** @enum {string} */
                    type: "float";
                    /** @description Lower bound (inclusive). */
                    low?: number;
                    /** @description Upper bound (inclusive; greater than `low`: one value is `values: [x]`; lowered to the last `step` below it). */
                    high?: number;
                    /**
                     * @description Sample uniformly in log space (needs low > 0; no `step`).
                     * @default false
                     */
                    log?: boolean;
                    /** @description Active only when every listed parameter (declared before this one) takes one of the listed values. */
                    when?: {
                        [key: string]: (number | string | boolean)[];
                    };
                    /** @description Only multiples of `step` above `low`. */
                    step?: number;
                    /** @description An explicit list instead of a range. */
                    values?: number[];
                } | {
                    /** @enum {string} */
                    type: "int";
                    /** @description Lower bound (inclusive). */
                    low?: number;
                    /** @description Upper bound (inclusive; greater than `low`: one value is `values: [x]`; lowered to the last `step` below it). */
                    high?: number;
                    /**
                     * @description Sample uniformly in log space (needs low > 0; no `step`).
                     * @default false
                     */
                    log?: boolean;
                    /** @description Active only when every listed parameter (declared before this one) takes one of the listed values. */
                    when?: {
                        [key: string]: (number | string | boolean)[];
                    };
                    /** @description Only every `step`-th integer from `low` (default 1). */
                    step?: number;
                    /** @description An explicit list instead of a range. */
                    values?: number[];
                } | {
                    /** @enum {string} */
                    type: "categorical";
                    /** @description The choices: numbers, strings or booleans. */
                    values: (number | string | boolean)[];
                    /** @description Active only when every listed parameter (declared before this one) takes one of the listed values. */
                    when?: {
                        [key: string]: (number | string | boolean)[];
                    };
                };
            };
            /**
             * @description What trials are ranked by.
             * @default {}
             */
            metric?: {
                /**
                 * @description finalLoss (the result's loss at the returned parameters), bestLoss (the result's best.value: the best monitored value), valLoss or valAccuracy (best over recorded steps).
                 * @default bestLoss
                 * @enum {string}
                 */
                name?: "finalLoss" | "bestLoss" | "valLoss" | "valAccuracy";
                /**
                 * @description Default: maximize for valAccuracy, else minimize.
                 * @enum {string}
                 */
                goal?: "minimize" | "maximize";
                /** @description Stop the sweep once a trial reaches this value (at or beyond it in the goal's direction). */
                target?: number;
            };
            /**
             * @description How trial parameters are chosen.
             * @default {
             *       "type": "tpe"
             *     }
             */
            sampler?: {
                /** @enum {string} */
                type: "grid";
                /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                seed?: number;
            } | {
                /** @enum {string} */
                type: "random";
                /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                seed?: number;
            } | {
                /** @enum {string} */
                type: "qmc";
                /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                seed?: number;
                /**
                 * @description Which low-discrepancy sequence.
                 * @default sobol
                 * @enum {string}
                 */
                sequence?: "sobol" | "halton";
                /**
                 * @description Randomise the sequence by the seed (Sobol: linear matrix scrambling and a digital shift; Halton: digit permutations).
                 * @default true
                 */
                scramble?: boolean;
            } | {
                /** @enum {string} */
                type: "tpe";
                /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                seed?: number;
                /**
                 * @description Random trials before TPE starts (Optuna: n_startup_trials = 10).
                 * @default 10
                 */
                startupTrials?: number;
                /**
                 * @description Candidates drawn from l(x) per suggestion (Optuna: n_ei_candidates = 24). The sweep's last suggestion scores them for each parameter under a component per earlier trial: at most 10⁸ densities' work (see the README), else a 400 naming the most that fit.
                 * @default 24
                 */
                nEiCandidates?: number;
                /**
                 * @description Fraction of finished trials that are "good": ⌈γ·n⌉ (Optuna: 0.1).
                 * @default 0.1
                 */
                gamma?: number;
                /**
                 * @description At most this many good trials (Optuna: 25).
                 * @default 25
                 */
                gammaMax?: number;
                /**
                 * @description Add the prior component N(centre, range²) to each estimator (Optuna: true).
                 * @default true
                 */
                considerPrior?: boolean;
                /**
                 * @description Weight of the prior component (Optuna: 1).
                 * @default 1
                 */
                priorWeight?: number;
                /**
                 * @description Keep bandwidths at least range/min(100, 1 + components) (Optuna: true).
                 * @default true
                 */
                considerMagicClip?: boolean;
                /**
                 * @description Let the range ends widen the outermost bandwidths (Optuna: false).
                 * @default false
                 */
                considerEndpoints?: boolean;
                /**
                 * @description Model the always-active parameters jointly, bandwidths by Scott's rule (Optuna: false).
                 * @default false
                 */
                multivariate?: boolean;
                /**
                 * @description Count running trials as the worst, to spread parallel trials apart (Optuna: false).
                 * @default false
                 */
                constantLiar?: boolean;
            };
            /**
             * @description When to stop unpromising trials early.
             * @default {
             *       "type": "none"
             *     }
             */
            pruner?: {
                /** @enum {string} */
                type: "none";
            } | {
                /** @enum {string} */
                type: "median";
                /**
                 * @description No pruning until this many trials completed (Optuna: n_startup_trials = 5).
                 * @default 5
                 */
                startupTrials?: number;
                /**
                 * @description No pruning before this step (Optuna: n_warmup_steps = 0).
                 * @default 0
                 */
                warmupSteps?: number;
                /**
                 * @description Decide at the first recorded step of each interval after the warm-up (Optuna: interval_steps = 1).
                 * @default 1
                 */
                intervalSteps?: number;
                /**
                 * @description Decide only with at least this many completed values at the step (Optuna: n_min_trials = 1).
                 * @default 1
                 */
                minTrials?: number;
            } | {
                /** @enum {string} */
                type: "asha";
                /** @description Step of the first rung, the minimum resource r (default: 1% of the base spec's maxSteps, or of 1000 without one, as Optuna's 'auto' estimates it). */
                minSteps?: number;
                /**
                 * @description η: rungs lie η times apart, and 1 in η trials is promoted (Optuna: 4).
                 * @default 4
                 */
                reductionFactor?: number;
                /**
                 * @description s: the first rung lies at minSteps · η^s (Optuna: 0).
                 * @default 0
                 */
                minEarlyStoppingRate?: number;
                /**
                 * @description Stop every trial at a rung holding at most this many values (Optuna: 0).
                 * @default 0
                 */
                bootstrapCount?: number;
                /** @description No rungs past this many (default: no limit). */
                maxRungs?: number;
            };
            /**
             * @description When the sweep stops creating trials.
             * @default {}
             */
            budget?: {
                /** @description Trials at most (default: the grid's size for grid, else 100; at most 10000). */
                maxTrials?: number;
                /** @description The sweep fails once more trials than this have failed (default: once 10 consecutive trial numbers have each finished failed). A sweep whose every trial failed fails whatever this is. */
                maxFailedTrials?: number;
                /** @description No trial starts after this long: queued trials are cancelled, running ones told to stop, and the sweep ends once every trial has ended (default: no limit). */
                timeLimitSeconds?: number;
            };
            /**
             * @description Trials running at once, at most.
             * @default 4
             */
            parallelism?: number;
        };
        /** @description A metric recorded at each step: how it is summarised and drawn. */
        MetricField: {
            /**
             * @description The field, as `fields` of /metrics names it.
             * @enum {string}
             */
            name: "loss" | "valLoss" | "valAccuracy" | "gradNorm" | "learningRate" | "updateNorm" | "epoch" | "elapsedSeconds";
            /** @description What it measures, in a sentence. */
            description: string;
            /** @description Downsampled answers give its mean, min and max per bucket. */
            rolledUp: boolean;
            /** @description Recorded only on some steps (those with a validation pass). */
            sometimes: boolean;
            /** @description How the dashboard draws it: the axis it shares with fields of the same unit; null when it is not drawn. */
            chart: {
                /** @description The curve's label. */
                label: string;
                /** @description Its unit: fields of one unit share an axis. */
                unit: string;
                /** @description Drawn without being picked. */
                shownByDefault: boolean;
            } | null;
        };
        /** @description What still names a stored objective or dataset and keeps it from being deleted: how many of each, and the newest of them. */
        UsedBy: {
            /** @description Runs that name it, finished or not: delete them first (an unfinished one once cancelled). */
            runs: number;
            /** @description Of those runs, the queued or running ones: cancel them before deleting them. */
            unfinishedRuns: number;
            /** @description Sweeps that have not ended and name it: cancel them, or let them end. */
            sweeps: number;
            /** @description For a dataset: stored objectives whose definition names it; delete them first. */
            objectives: number;
            /** @description The newest 20 of those runs. */
            runIds: string[];
            /** @description The newest 20 of those sweeps. */
            sweepIds: string[];
            /** @description The newest 20 of those stored objectives. */
            objectiveIds: string[];
        };
        /**
         * @description `queued`: Accepted and waiting for a worker. `running`: A worker is running it; progress says how far. `completed`: Ended by a stopping condition (result.stopReason says which). `early_stopped`: Early stopping ended it. `diverged`: The loss, a gradient or a parameter stopped being finite. `failed`: It could not run or go on; result.message says why. `cancelled`: A client cancelled it. `pruned`: A sweep's pruner stopped the trial; result.pruning says why.
         * @enum {string}
         */
        RunStatus: "queued" | "running" | "completed" | "early_stopped" | "diverged" | "failed" | "cancelled" | "pruned";
        /** @description The analytic gradient against central finite differences at the starting point. */
        GradientCheck: {
            /** @description Every checked coordinate agrees with central finite differences. */
            passed: boolean;
            /** @description f at the point checked (the starting point). */
            value: number | null;
            /** @description Relative finite-difference step h. */
            step: number;
            /** @description The largest relative error a coordinate may have and pass. */
            tolerance: number;
            /** @description The largest |analytic − numeric| over the coordinates checked. */
            maxAbsoluteError: number | null;
            /** @description The largest relative error over the coordinates checked. */
            maxRelativeError: number | null;
            /** @description The coordinates checked: all of them up to 100 dimensions, else a seeded sample of 100; fewer (at least one) when one evaluation of the objective is costly, so that a check stays within about 2·10⁷ units of work. */
            coordinates: {
                /** @description Position in the parameter vector. */
                index: number;
                /** @description The parameter's name. */
                variable: string;
                /** @description The analytic partial derivative. */
                analytic: number | null;
                /** @description The central finite difference. */
                numeric: number | null;
                /** @description |analytic − numeric|. */
                absoluteError: number | null;
                /** @description The error relative to the larger magnitude of the two. */
                relativeError: number | null;
                /** @description Within the tolerance. */
                passed: boolean;
            }[];
        };
        /** @description An objective's parameters and its gradient check, nothing stored. */
        ObjectiveCheck: {
            /** @description Parameter names, in parameter-vector order (null above 1000 dimensions). */
            variables: string[] | null;
            /** @description How many parameters the objective has: the length of the parameter vector (a benchmark spec sets it as `dimensions`). */
            dimensions: number;
            /**
             * @deprecated
             * @description Deprecated, read `dimensions`: the same number. Kept for one version.
             */
            dimension: number;
            /** @description The starting point runs begin from (null above 1000 dimensions). */
            initial: number[] | null;
            /** @description The gradient check; null when it would cost more than a request may spend (see `gradientCheckSkipped`). */
            gradientCheck: components["schemas"]["GradientCheck"] | null;
            /** @description Why the gradient was not checked; null when it was. */
            gradientCheckSkipped: string | null;
        };
        /** @description A stored objective, which runs name by id. */
        Objective: {
            /**
             * Format: uuid
             * @description The objective id: a run spec names it as {"id": …}.
             */
            id: string;
            /** @description Its name, if it was given one. */
            name: string | null;
            /**
             * Format: date-time
             * @description When it was stored.
             */
            createdAt: string;
            /** @description The objective as stored. */
            objective: {
                /** @enum {string} */
                type: "expression";
                /** @description Formula over the variables: + - * / ^, parentheses, numbers, pi, e and functions such as exp, log, sqrt, sigmoid, min, max, pow. */
                expression: string;
                /** @description Variable names, in parameter-vector order. */
                variables: string[];
                /** @description Starting point, one entry per variable (default: zeros). */
                initial?: number[];
            } | {
                /** @enum {string} */
                type: "benchmark";
                /**
                 * @description Which benchmark function.
                 * @enum {string}
                 */
                name: "rosenbrock" | "beale" | "booth" | "himmelblau" | "saddle" | "quadratic" | "rastrigin" | "ackley" | "styblinski-tang" | "sphere" | "matyas" | "three-hump-camel";
                /** @description Number of variables for n-dimensional functions (default: the length of initial, else 2). */
                dimensions?: number;
                /** @description Starting point (default: the function's standard start). */
                initial?: number[];
                /** @description Ratio of the largest to the smallest curvature (quadratic only, default 100). */
                conditionNumber?: number;
            } | {
                /** @enum {string} */
                type: "model";
                /**
                 * @description linear (½ squared error), logistic (binary cross-entropy), svm (hinge loss, targets 0 or 1), softmax (cross-entropy), mlp.
                 * @enum {string}
                 */
                model: "linear" | "logistic" | "svm" | "softmax" | "mlp";
                /** @description Training data: inline, sparse inline, built in, an uploaded dataset id, or a CSV path (CLI). */
                data: {
                    /** @description One array of feature values per row. */
                    features: number[][];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | {
                    /** @description Number of feature columns. */
                    columns: number;
                    /** @description One entry list per row; absent columns are zero. */
                    rows: {
                        /** @description 0-based columns of the non-zero entries. */
                        indices: number[];
                        /** @description The entries, in the order of `indices`. */
                        values: number[];
                    }[];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | ({
                    /** @enum {string} */
                    builtin: "iris";
                } | {
                    /** @enum {string} */
                    builtin: "linear";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows: number;
                    /**
                     * @description Number of features.
                     * @default 5
                     */
                    columns: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "blobs";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows: number;
                    /**
                     * @description Number of features.
                     * @default 2
                     */
                    columns: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes: number;
                    /**
                     * @description Standard deviation around each centre.
                     * @default 1
                     */
                    spread: number;
                    /**
                     * @description Centres are uniform in [−centerBox, centerBox] per feature.
                     * @default 5
                     */
                    centerBox: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "moons";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "spirals";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes: number;
                    /**
                     * @description Turns of each arm.
                     * @default 1
                     */
                    turns: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.02
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "sparse-text";
                    /**
                     * @description Number of rows generated.
                     * @default 2000
                     */
                    rows: number;
                    /**
                     * @description Vocabulary size.
                     * @default 1000
                     */
                    columns: number;
                    /**
                     * @description Word draws per row (a repeated word counts up).
                     * @default 20
                     */
                    wordsPerRow: number;
                    /**
                     * @description The most frequent words, which carry no signal.
                     * @default 10
                     */
                    commonWords: number;
                    /**
                     * @description Exponent s of the word frequencies ∝ 1/(rank)^s.
                     * @default 1
                     */
                    zipfExponent: number;
                    /**
                     * @description Probability of flipping each label.
                     * @default 0.05
                     */
                    labelNoise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                }) | {
                    /** @description Id of an uploaded dataset. */
                    id: string;
                } | {
                    /** @description A CSV file with a header row, relative to the spec file (CLI only). */
                    path: string;
                    /** @description Target column name or 0-based index (default the last). */
                    targetColumn?: string | number;
                    /** @description Difficulty column, for curriculum learning. */
                    difficultyColumn?: string | number;
                };
                /**
                 * @description Fraction of `data` held out for validation (seeded by `seed`).
                 * @default 0
                 */
                validationSplit: number;
                /** @description A separate validation set (instead of validationSplit). */
                validation?: {
                    /** @description One array of feature values per row. */
                    features: number[][];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | {
                    /** @description Number of feature columns. */
                    columns: number;
                    /** @description One entry list per row; absent columns are zero. */
                    rows: {
                        /** @description 0-based columns of the non-zero entries. */
                        indices: number[];
                        /** @description The entries, in the order of `indices`. */
                        values: number[];
                    }[];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | ({
                    /** @enum {string} */
                    builtin: "iris";
                } | {
                    /** @enum {string} */
                    builtin: "linear";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows: number;
                    /**
                     * @description Number of features.
                     * @default 5
                     */
                    columns: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "blobs";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows: number;
                    /**
                     * @description Number of features.
                     * @default 2
                     */
                    columns: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes: number;
                    /**
                     * @description Standard deviation around each centre.
                     * @default 1
                     */
                    spread: number;
                    /**
                     * @description Centres are uniform in [−centerBox, centerBox] per feature.
                     * @default 5
                     */
                    centerBox: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "moons";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "spirals";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes: number;
                    /**
                     * @description Turns of each arm.
                     * @default 1
                     */
                    turns: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.02
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "sparse-text";
                    /**
                     * @description Number of rows generated.
                     * @default 2000
                     */
                    rows: number;
                    /**
                     * @description Vocabulary size.
                     * @default 1000
                     */
                    columns: number;
                    /**
                     * @description Word draws per row (a repeated word counts up).
                     * @default 20
                     */
                    wordsPerRow: number;
                    /**
                     * @description The most frequent words, which carry no signal.
                     * @default 10
                     */
                    commonWords: number;
                    /**
                     * @description Exponent s of the word frequencies ∝ 1/(rank)^s.
                     * @default 1
                     */
                    zipfExponent: number;
                    /**
                     * @description Probability of flipping each label.
                     * @default 0.05
                     */
                    labelNoise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                }) | {
                    /** @description Id of an uploaded dataset. */
                    id: string;
                } | {
                    /** @description A CSV file with a header row, relative to the spec file (CLI only). */
                    path: string;
                    /** @description Target column name or 0-based index (default the last). */
                    targetColumn?: string | number;
                    /** @description Difficulty column, for curriculum learning. */
                    difficultyColumn?: string | number;
                };
                /** @description Starting parameters, in the documented order. */
                initial?: number[];
                /** @description mlp: hidden layer sizes (default [16]). */
                hidden?: number[];
                /**
                 * @description mlp: hidden activation (default relu).
                 * @enum {string}
                 */
                activation?: "relu" | "tanh" | "sigmoid";
                /** @description mlp: batch normalization before each hidden activation (default false). */
                batchNormalization?: boolean;
                /**
                 * @description mlp: output layer loss (default softmax for class targets, else linear).
                 * @enum {string}
                 */
                output?: "linear" | "logistic" | "softmax";
                /**
                 * @description λ of the penalty (λ/2)·‖weights‖² (biases, γ and β excluded).
                 * @default 0
                 */
                l2: number;
                /** @description softmax: number of classes (default: largest target + 1). */
                classes?: number;
                /** @description Seed of the validation split and of the mlp initialisation (default 0). */
                seed?: number;
            };
            /** @description Parameter names, in parameter-vector order. */
            variables: string[];
            /** @description How many parameters the objective has: the length of the parameter vector (a benchmark spec sets it as `dimensions`). */
            dimensions: number;
            /**
             * @deprecated
             * @description Deprecated, read `dimensions`: the same number. Kept for one version.
             */
            dimension: number;
            /** @description The gradient check made when it was stored. */
            gradientCheck: components["schemas"]["GradientCheck"] | null;
        };
        /** @description A page of stored objectives. */
        ObjectiveList: {
            /** @description Stored objectives, newest first. */
            objectives: components["schemas"]["Objective"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        DatasetUpload: {
            /** @description One array of feature values per row. */
            features: number[][];
            /** @description One target per row. */
            targets: number[];
            /** @description Names of the feature columns (default x1 … xd). */
            columnNames?: string[];
            /** @description Difficulty of each row (higher is harder), for curriculum learning. */
            difficulty?: number[];
            /** @description A name to recognise the dataset by. */
            name?: string;
            /** @description Name of the target column (default `target`). */
            targetName?: string;
        } | {
            /** @description Number of feature columns. */
            columns: number;
            /** @description One entry list per row; absent columns are zero. */
            rows: {
                /** @description 0-based columns of the non-zero entries. */
                indices: number[];
                /** @description The entries, in the order of `indices`. */
                values: number[];
            }[];
            /** @description One target per row. */
            targets: number[];
            /** @description Names of the feature columns (default x1 … xd). */
            columnNames?: string[];
            /** @description Difficulty of each row (higher is harder), for curriculum learning. */
            difficulty?: number[];
            /** @description A name to recognise the dataset by. */
            name?: string;
            /** @description Name of the target column (default `target`). */
            targetName?: string;
        };
        /** @description An uploaded dataset, which model objectives name by id. */
        Dataset: {
            /**
             * Format: uuid
             * @description The dataset id: a model objective names it as {"id": …}.
             */
            id: string;
            /** @description Its name, if it was given one. */
            name: string | null;
            /**
             * @description How the dataset was uploaded.
             * @enum {string}
             */
            format: "json" | "csv";
            /**
             * Format: date-time
             * @description When it was uploaded.
             */
            createdAt: string;
            /** @description Number of rows (examples). */
            rows: number;
            /** @description `fnv1a64:<hex>` over the layout, names and values: equal data, equal hash. Tells equal content apart at a glance; not a defence against datasets made to collide (`contentSha256` is). */
            contentHash: string;
            /** @description `sha256:<64 hex digits>` over the same content as `contentHash`: the digest that tells a dataset of some content was stored before (`?contentSha256=`). Null for a dataset stored before it was kept. */
            contentSha256: string | null;
            /** @description Its columns: features, target and difficulty. */
            schema: {
                /**
                 * @description How the features are stored: every cell, or only the non-zero entries.
                 * @enum {string}
                 */
                layout: "dense" | "sparse";
                /** @description Number of feature columns. */
                featureCount: number;
                /** @description Feature column names, in parameter order (a linear model has one weight per column, in this order). */
                columns: string[];
                /** @description Name of the target column. */
                target: string;
                /** @description The distinct target values, when every target is a whole number ≥ 0 (a classification set); null otherwise. */
                classes: number[] | null;
                /** @description Whether the rows carry a difficulty (for curriculum learning). */
                difficulty: boolean;
                /** @description Stored entries of a sparse dataset; null for dense. */
                nonZeros: number | null;
            };
        };
        /** @description A page of datasets. */
        DatasetList: {
            /** @description Datasets, newest first. */
            datasets: components["schemas"]["Dataset"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        /** @description A page of a dataset's rows. */
        DatasetData: {
            /**
             * Format: uuid
             * @description The dataset id.
             */
            id: string;
            /** @description The first row of the page (0-based). */
            offset: number;
            /** @description Rows in the whole dataset. */
            totalRows: number;
            /** @description Pass as `offset` for the next page; null on the last page. */
            nextOffset: number | null;
            /** @description The rows of this page, in the upload form (dense or sparse, as stored). */
            data: components["schemas"]["DatasetUpload"] | {
                /** @description One array of feature values per row. */
                features: number[][];
                /** @description One target per row. */
                targets: number[];
                /** @description Names of the feature columns (default x1 … xd). */
                columnNames?: string[];
                /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                difficulty?: number[];
                /** @description A name to recognise the dataset by. */
                name?: string;
                /** @description Name of the target column (default `target`). */
                targetName?: string;
            } | {
                /** @description Number of feature columns. */
                columns: number;
                /** @description One entry list per row; absent columns are zero. */
                rows: {
                    /** @description 0-based columns of the non-zero entries. */
                    indices: number[];
                    /** @description The entries, in the order of `indices`. */
                    values: number[];
                }[];
                /** @description One target per row. */
                targets: number[];
                /** @description Names of the feature columns (default x1 … xd). */
                columnNames?: string[];
                /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                difficulty?: number[];
                /** @description A name to recognise the dataset by. */
                name?: string;
                /** @description Name of the target column (default `target`). */
                targetName?: string;
            };
        };
        RunSpec: {
            /** @description What to minimise: an inline objective spec, or {"id": …} of a stored objective. */
            objective: ({
                /** @enum {string} */
                type: "expression";
                /** @description Formula over the variables: + - * / ^, parentheses, numbers, pi, e and functions such as exp, log, sqrt, sigmoid, min, max, pow. */
                expression: string;
                /** @description Variable names, in parameter-vector order. */
                variables: string[];
                /** @description Starting point, one entry per variable (default: zeros). */
                initial?: number[];
            } | {
                /** @enum {string} */
                type: "benchmark";
                /**
                 * @description Which benchmark function.
                 * @enum {string}
                 */
                name: "rosenbrock" | "beale" | "booth" | "himmelblau" | "saddle" | "quadratic" | "rastrigin" | "ackley" | "styblinski-tang" | "sphere" | "matyas" | "three-hump-camel";
                /** @description Number of variables for n-dimensional functions (default: the length of initial, else 2). */
                dimensions?: number;
                /** @description Starting point (default: the function's standard start). */
                initial?: number[];
                /** @description Ratio of the largest to the smallest curvature (quadratic only, default 100). */
                conditionNumber?: number;
            } | {
                /** @enum {string} */
                type: "model";
                /**
                 * @description linear (½ squared error), logistic (binary cross-entropy), svm (hinge loss, targets 0 or 1), softmax (cross-entropy), mlp.
                 * @enum {string}
                 */
                model: "linear" | "logistic" | "svm" | "softmax" | "mlp";
                /** @description Training data: inline, sparse inline, built in, an uploaded dataset id, or a CSV path (CLI). */
                data: {
                    /** @description One array of feature values per row. */
                    features: number[][];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | {
                    /** @description Number of feature columns. */
                    columns: number;
                    /** @description One entry list per row; absent columns are zero. */
                    rows: {
                        /** @description 0-based columns of the non-zero entries. */
                        indices: number[];
                        /** @description The entries, in the order of `indices`. */
                        values: number[];
                    }[];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | ({
                    /** @enum {string} */
                    builtin: "iris";
                } | {
                    /** @enum {string} */
                    builtin: "linear";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows: number;
                    /**
                     * @description Number of features.
                     * @default 5
                     */
                    columns: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "blobs";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows: number;
                    /**
                     * @description Number of features.
                     * @default 2
                     */
                    columns: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes: number;
                    /**
                     * @description Standard deviation around each centre.
                     * @default 1
                     */
                    spread: number;
                    /**
                     * @description Centres are uniform in [−centerBox, centerBox] per feature.
                     * @default 5
                     */
                    centerBox: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "moons";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "spirals";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes: number;
                    /**
                     * @description Turns of each arm.
                     * @default 1
                     */
                    turns: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.02
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "sparse-text";
                    /**
                     * @description Number of rows generated.
                     * @default 2000
                     */
                    rows: number;
                    /**
                     * @description Vocabulary size.
                     * @default 1000
                     */
                    columns: number;
                    /**
                     * @description Word draws per row (a repeated word counts up).
                     * @default 20
                     */
                    wordsPerRow: number;
                    /**
                     * @description The most frequent words, which carry no signal.
                     * @default 10
                     */
                    commonWords: number;
                    /**
                     * @description Exponent s of the word frequencies ∝ 1/(rank)^s.
                     * @default 1
                     */
                    zipfExponent: number;
                    /**
                     * @description Probability of flipping each label.
                     * @default 0.05
                     */
                    labelNoise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                }) | {
                    /** @description Id of an uploaded dataset. */
                    id: string;
                } | {
                    /** @description A CSV file with a header row, relative to the spec file (CLI only). */
                    path: string;
                    /** @description Target column name or 0-based index (default the last). */
                    targetColumn?: string | number;
                    /** @description Difficulty column, for curriculum learning. */
                    difficultyColumn?: string | number;
                };
                /**
                 * @description Fraction of `data` held out for validation (seeded by `seed`).
                 * @default 0
                 */
                validationSplit: number;
                /** @description A separate validation set (instead of validationSplit). */
                validation?: {
                    /** @description One array of feature values per row. */
                    features: number[][];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | {
                    /** @description Number of feature columns. */
                    columns: number;
                    /** @description One entry list per row; absent columns are zero. */
                    rows: {
                        /** @description 0-based columns of the non-zero entries. */
                        indices: number[];
                        /** @description The entries, in the order of `indices`. */
                        values: number[];
                    }[];
                    /** @description One target per row. */
                    targets: number[];
                    /** @description Names of the feature columns (default x1 … xd). */
                    columnNames?: string[];
                    /** @description Difficulty of each row (higher is harder), for curriculum learning. */
                    difficulty?: number[];
                } | ({
                    /** @enum {string} */
                    builtin: "iris";
                } | {
                    /** @enum {string} */
                    builtin: "linear";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows: number;
                    /**
                     * @description Number of features.
                     * @default 5
                     */
                    columns: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "blobs";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows: number;
                    /**
                     * @description Number of features.
                     * @default 2
                     */
                    columns: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes: number;
                    /**
                     * @description Standard deviation around each centre.
                     * @default 1
                     */
                    spread: number;
                    /**
                     * @description Centres are uniform in [−centerBox, centerBox] per feature.
                     * @default 5
                     */
                    centerBox: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "moons";
                    /**
                     * @description Number of rows generated.
                     * @default 200
                     */
                    rows: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.1
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "spirals";
                    /**
                     * @description Number of rows generated.
                     * @default 300
                     */
                    rows: number;
                    /**
                     * @description Number of classes (targets 0 … classes − 1).
                     * @default 3
                     */
                    classes: number;
                    /**
                     * @description Turns of each arm.
                     * @default 1
                     */
                    turns: number;
                    /**
                     * @description Standard deviation of the Gaussian noise added.
                     * @default 0.02
                     */
                    noise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                } | {
                    /** @enum {string} */
                    builtin: "sparse-text";
                    /**
                     * @description Number of rows generated.
                     * @default 2000
                     */
                    rows: number;
                    /**
                     * @description Vocabulary size.
                     * @default 1000
                     */
                    columns: number;
                    /**
                     * @description Word draws per row (a repeated word counts up).
                     * @default 20
                     */
                    wordsPerRow: number;
                    /**
                     * @description The most frequent words, which carry no signal.
                     * @default 10
                     */
                    commonWords: number;
                    /**
                     * @description Exponent s of the word frequencies ∝ 1/(rank)^s.
                     * @default 1
                     */
                    zipfExponent: number;
                    /**
                     * @description Probability of flipping each label.
                     * @default 0.05
                     */
                    labelNoise: number;
                    /**
                     * @description Seed of the generator: equal seeds give equal data.
                     * @default 1
                     */
                    seed: number;
                }) | {
                    /** @description Id of an uploaded dataset. */
                    id: string;
                } | {
                    /** @description A CSV file with a header row, relative to the spec file (CLI only). */
                    path: string;
                    /** @description Target column name or 0-based index (default the last). */
                    targetColumn?: string | number;
                    /** @description Difficulty column, for curriculum learning. */
                    difficultyColumn?: string | number;
                };
                /** @description Starting parameters, in the documented order. */
                initial?: number[];
                /** @description mlp: hidden layer sizes (default [16]). */
                hidden?: number[];
                /**
                 * @description mlp: hidden activation (default relu).
                 * @enum {string}
                 */
                activation?: "relu" | "tanh" | "sigmoid";
                /** @description mlp: batch normalization before each hidden activation (default false). */
                batchNormalization?: boolean;
                /**
                 * @description mlp: output layer loss (default softmax for class targets, else linear).
                 * @enum {string}
                 */
                output?: "linear" | "logistic" | "softmax";
                /**
                 * @description λ of the penalty (λ/2)·‖weights‖² (biases, γ and β excluded).
                 * @default 0
                 */
                l2: number;
                /** @description softmax: number of classes (default: largest target + 1). */
                classes?: number;
                /** @description Seed of the validation split and of the mlp initialisation (default 0). */
                seed?: number;
            }) | {
                /** @description Id of a stored objective (POST /v1/objectives). */
                id: string;
            };
            /** @description How to minimise: `name` (see /v1/optimizers), `flavor` and hyperparameters. */
            optimizer: {
                /** @enum {string} */
                name: "sgd";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
            } | {
                /** @enum {string} */
                name: "momentum";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Momentum γ, the fraction of the previous update kept (0 ≤ value < 1). */
                momentum?: number;
            } | {
                /** @enum {string} */
                name: "nesterov";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Momentum γ, the fraction of the previous update kept (0 ≤ value < 1). */
                momentum?: number;
            } | {
                /** @enum {string} */
                name: "adagrad";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
            } | {
                /** @enum {string} */
                name: "adadelta";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay: number;
                /** @description Decay ρ of the running averages of squared gradients and squared updates (0 ≤ value < 1). */
                rho?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
                /** @description Multiplier η on the update (flavor pytorch only) (> 0). */
                learningRate?: number;
            } | {
                /** @enum {string} */
                name: "rmsprop";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay ρ (the overview's γ) of the running average of squared gradients (0 ≤ value < 1). */
                rho?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
            } | {
                /** @enum {string} */
                name: "adam";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment (mean) estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the second-moment (uncentred variance) estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
            } | {
                /** @enum {string} */
                name: "adamax";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the infinity-norm estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Added to |g| inside the maximum (flavor pytorch only) (> 0). */
                epsilon?: number;
            } | {
                /** @enum {string} */
                name: "nadam";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment (mean) estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the second-moment (uncentred variance) estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
                /** @description Momentum-schedule decay ψ in μ_t = β1·(1 − ½·0.96^(t·ψ)) (flavor pytorch only) (≥ 0). */
                momentumDecay?: number;
            } | {
                /** @enum {string} */
                name: "amsgrad";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment (mean) estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the second-moment (uncentred variance) estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
            } | {
                /** @enum {string} */
                name: "adamw";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment (mean) estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the second-moment (uncentred variance) estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
                /** @description Decoupled weight decay λ: θ ← θ·(1 − η·λ) every step (≥ 0). */
                weightDecay?: number;
            } | {
                /** @enum {string} */
                name: "radam";
                /**
                 * @description "paper": the overview's equations; "pytorch": torch.optim's arithmetic.
                 * @default paper
                 * @enum {string}
                 */
                flavor: "paper" | "pytorch";
                /**
                 * @description Coupled L2 weight decay λ: the training loop adds λ·θ to the gradient (≥ 0).
                 * @default 0
                 */
                weightDecay: number;
                /** @description Step size η (> 0). */
                learningRate?: number;
                /** @description Decay β1 of the first-moment (mean) estimate (0 ≤ value < 1). */
                beta1?: number;
                /** @description Decay β2 of the second-moment (uncentred variance) estimate (0 ≤ value < 1). */
                beta2?: number;
                /** @description Smoothing term ε that keeps the denominator away from zero (> 0). */
                epsilon?: number;
            };
            /** @description Step budget, batching, order and seed. */
            training: {
                /** @description Most updates to make (1 … 1e9). Default: 1000, or, when `epochs` is given, as many as the epochs take (at most 1e9). */
                maxSteps?: number;
                /** @description Stop after this many passes over the training data (a full-batch step on a non-data objective counts as one epoch); without maxSteps, the epochs alone decide. Default: no limit. */
                epochs?: number;
                /** @description Examples per update on data objectives: 1 stochastic, k mini-batch; omitted or ≥ the training rows: full batch. */
                batchSize?: number;
                /** @description Curriculum learning: the order in which each epoch visits the training examples. */
                curriculum?: {
                    /**
                     * @description Order by the data's difficulty column, or by each example's current loss (a model on data; a run whose objective cannot be ordered so is refused).
                     * @enum {string}
                     */
                    by: "difficulty" | "loss";
                    /**
                     * @description naive: easy → hard; mixed: easy → hard with uniform samples mixed in.
                     * @default naive
                     * @enum {string}
                     */
                    strategy: "naive" | "mixed";
                    /**
                     * @description mixed: probability that a slot holds a uniformly sampled example instead (default 0.25).
                     * @default 0.25
                     */
                    uniformFraction: number;
                };
                /**
                 * @description Reshuffle the training examples at the start of every epoch, seeded (default true).
                 * @default true
                 */
                shuffle: boolean;
                /**
                 * @description Seed of every random choice of the run: shuffling, gradient noise (0 … 2³²−1, default 0).
                 * @default 0
                 */
                seed: number;
                /** @description Stop with time_limit after this much computing time (default: none). */
                timeLimitSeconds?: number;
                /** @description Evaluate valLoss/valAccuracy every this many updates and always after the last one (default: record.every). */
                validationEvery?: number;
            };
            /** @description Learning-rate schedule around the optimizer (default: constant). Every type accepts warmupSteps. */
            schedule?: {
                /** @enum {string} */
                type: "constant";
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps: number;
            } | {
                /** @enum {string} */
                type: "step";
                /** @description Updates between two decays (≥ 1). */
                stepSize: number;
                /**
                 * @description Factor γ applied every stepSize updates (0 < γ ≤ 1, default 0.1).
                 * @default 0.1
                 */
                gamma: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps: number;
            } | {
                /** @enum {string} */
                type: "exponential";
                /** @description Factor γ applied after every update (0 < γ ≤ 1). */
                gamma: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps: number;
            } | {
                /** @enum {string} */
                type: "inverseTime";
                /** @description Rate k in η/(1 + k·(t−1)) (≥ 0). */
                decay: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps: number;
            } | {
                /** @enum {string} */
                type: "cosine";
                /** @description Updates T from η down to η_min (default: the run’s total updates, maxSteps or what the epochs take); η_min afterwards. */
                periodSteps?: number;
                /**
                 * @description Floor η_min of the learning rate (≥ 0, default 0).
                 * @default 0
                 */
                minLearningRate: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps: number;
            } | {
                /** @enum {string} */
                type: "cosineRestarts";
                /** @description Length T_0 of the first period, in updates. */
                periodSteps: number;
                /**
                 * @description Factor m by which each period is longer than the previous (integer ≥ 1, default 1).
                 * @default 1
                 */
                periodMultiplier: number;
                /**
                 * @description Floor η_min of the learning rate (≥ 0, default 0).
                 * @default 0
                 */
                minLearningRate: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps: number;
            } | {
                /** @enum {string} */
                type: "reduceOnPlateau";
                /**
                 * @description Value watched: training loss (every step) or validation loss (when evaluated). Default loss.
                 * @default loss
                 * @enum {string}
                 */
                monitor: "loss" | "valLoss";
                /**
                 * @description Multiplier applied at each reduction (0 < factor < 1, default 0.1).
                 * @default 0.1
                 */
                factor: number;
                /**
                 * @description Updates without improvement before a reduction (default 10).
                 * @default 10
                 */
                patience: number;
                /**
                 * @description Improvement needed to count as better (absolute, default 0).
                 * @default 0
                 */
                minDelta: number;
                /**
                 * @description Updates to wait after a reduction before counting again (default 0).
                 * @default 0
                 */
                cooldown: number;
                /**
                 * @description Floor η_min of the learning rate (≥ 0, default 0).
                 * @default 0
                 */
                minLearningRate: number;
                /**
                 * @description Linear warm-up: update t ≤ warmupSteps uses t/warmupSteps of the scheduled rate (default 0: none).
                 * @default 0
                 */
                warmupSteps: number;
            };
            /** @description Gaussian noise N(0, η/(1+t)^γ) added to every gradient coordinate (Neelakantan et al.). */
            gradientNoise?: {
                /**
                 * @description η: the noise variance scale in σ² = η/(1+t)^γ (default 0.01, the paper tries 0.01, 0.3, 1).
                 * @default 0.01
                 */
                variance: number;
                /**
                 * @description γ: how fast the variance anneals (default 0.55, as in the paper).
                 * @default 0.55
                 */
                decay: number;
            };
            /** @description Gradient clipping, by value then by global norm. */
            clip?: {
                /** @description Rescale the gradient so that ‖g‖₂ ≤ maxNorm. */
                maxNorm?: number;
                /** @description Clamp every gradient coordinate to [−maxValue, maxValue]. */
                maxValue?: number;
            };
            /** @description Early stopping (default: off). */
            earlyStopping?: {
                /**
                 * @description Value watched: training loss (every update) or validation loss (default valLoss; falls back to loss when there is no validation set).
                 * @default valLoss
                 * @enum {string}
                 */
                monitor: "loss" | "valLoss";
                /**
                 * @description Updates without improvement before stopping (default 100).
                 * @default 100
                 */
                patience: number;
                /**
                 * @description Decrease needed to count as an improvement (absolute, default 0).
                 * @default 0
                 */
                minDelta: number;
                /**
                 * @description End with the parameters of the best monitored value instead of the last ones when they measure lower as the run ends (default false; see the result's restoredBest).
                 * @default false
                 */
                restoreBest: boolean;
            };
            /** @description Targets; each is checked on the loss and raw gradient at the parameters before every update. */
            stopWhen?: {
                /** @description Stop (loss_target) after the first update whose loss is below this value. */
                lossBelow?: number;
                /** @description Stop (grad_norm_target) after the first update whose gradient norm ‖g‖₂ is below this value. */
                gradNormBelow?: number;
            };
            /** @description Which steps are recorded. */
            record: {
                /** @description Record every this many updates, and always the last one (default ⌈total updates / 10000⌉: maxSteps, or what the epochs take when fewer). A concurrent hogwild run records these steps as its threads make them: a step is missing when the run's coordinator fell too far behind them. */
                every?: number;
                /** @description Include the parameters in each record (default: when there are at most 100). */
                params?: boolean;
            };
            /** @description Parallel and distributed SGD: p replicas of the run's optimizer (Hogwild!, Downpour, delay-tolerant AdaGrad, EASGD). */
            parallel?: {
                /**
                 * @description hogwild, downpour, adaptive-revision (delay-tolerant AdaGrad) or easgd.
                 * @enum {string}
                 */
                algorithm: "hogwild" | "downpour" | "adaptive-revision" | "easgd";
                /** @description p: threads (hogwild) or model replicas (the others), 1 … 64. Concurrent downpour, easgd and adaptive-revision share the steps as a simulated run deals them: replica i makes ⌈(maxSteps − i)/p⌉ of them (fewer when the run stops early), whatever the replicas' speeds and τ. */
                replicas: number;
                /**
                 * @description concurrent (default): real threads or replica jobs; simulated: replicas interleaved tick by tick in one process, bit-reproducible.
                 * @default concurrent
                 * @enum {string}
                 */
                execution: "concurrent" | "simulated";
                /** @description τ (downpour, easgd): local steps between two exchanges with the center (default 1). */
                communicationPeriod?: number;
                /** @description α (easgd): the elastic exchange's rate, α = ηρ (default 0.9/p, the paper's β = pα = 0.9). */
                movingRate?: number;
                /** @description D (adaptive-revision, simulated): a gradient is applied D ticks after it was read (default 0, at most 10000). */
                delay?: number;
                /** @description Parameter-server shards in Redis (concurrent downpour, easgd, adaptive-revision; default 1). */
                shards?: number;
            };
        };
        SweepSpec: {
            /** @description A name to recognise the sweep by. */
            name?: string;
            /** @description A run spec (see RunSpec): what every trial starts from. */
            base: {
                [key: string]: unknown;
            };
            /** @description Searched parameters keyed by dotted paths into `base` (in order: `when` refers to earlier ones). A path no trial's spec can have, or a value its field never takes, is a 400 naming it. */
            parameters: {
                [key: string]: {
                    /** @enum {string} */
                    type: "float";
                    /** @description Lower bound (inclusive). */
                    low?: number;
                    /** @description Upper bound (inclusive; greater than `low`: one value is `values: [x]`; lowered to the last `step` below it). */
                    high?: number;
                    /**
                     * @description Sample uniformly in log space (needs low > 0; no `step`).
                     * @default false
                     */
                    log: boolean;
                    /** @description Active only when every listed parameter (declared before this one) takes one of the listed values. */
                    when?: {
                        [key: string]: (number | string | boolean)[];
                    };
                    /** @description Only multiples of `step` above `low`. */
                    step?: number;
                    /** @description An explicit list instead of a range. */
                    values?: number[];
                } | {
                    /** @enum {string} */
                    type: "int";
                    /** @description Lower bound (inclusive). */
                    low?: number;
                    /** @description Upper bound (inclusive; greater than `low`: one value is `values: [x]`; lowered to the last `step` below it). */
                    high?: number;
                    /**
                     * @description Sample uniformly in log space (needs low > 0; no `step`).
                     * @default false
                     */
                    log: boolean;
                    /** @description Active only when every listed parameter (declared before this one) takes one of the listed values. */
                    when?: {
                        [key: string]: (number | string | boolean)[];
                    };
                    /** @description Only every `step`-th integer from `low` (default 1). */
                    step?: number;
                    /** @description An explicit list instead of a range. */
                    values?: number[];
                } | {
                    /** @enum {string} */
                    type: "categorical";
                    /** @description The choices: numbers, strings or booleans. */
                    values: (number | string | boolean)[];
                    /** @description Active only when every listed parameter (declared before this one) takes one of the listed values. */
                    when?: {
                        [key: string]: (number | string | boolean)[];
                    };
                };
            };
            /** @description What trials are ranked by. */
            metric: {
                /**
                 * @description finalLoss (the result's loss at the returned parameters), bestLoss (the result's best.value: the best monitored value), valLoss or valAccuracy (best over recorded steps).
                 * @default bestLoss
                 * @enum {string}
                 */
                name: "finalLoss" | "bestLoss" | "valLoss" | "valAccuracy";
                /**
                 * @description Default: maximize for valAccuracy, else minimize.
                 * @enum {string}
                 */
                goal?: "minimize" | "maximize";
                /** @description Stop the sweep once a trial reaches this value (at or beyond it in the goal's direction). */
                target?: number;
            };
            /** @description How trial parameters are chosen. */
            sampler: {
                /** @enum {string} */
                type: "grid";
                /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                seed?: number;
            } | {
                /** @enum {string} */
                type: "random";
                /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                seed?: number;
            } | {
                /** @enum {string} */
                type: "qmc";
                /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                seed?: number;
                /**
                 * @description Which low-discrepancy sequence.
                 * @default sobol
                 * @enum {string}
                 */
                sequence: "sobol" | "halton";
                /**
                 * @description Randomise the sequence by the seed (Sobol: linear matrix scrambling and a digital shift; Halton: digit permutations).
                 * @default true
                 */
                scramble: boolean;
            } | {
                /** @enum {string} */
                type: "tpe";
                /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                seed?: number;
                /**
                 * @description Random trials before TPE starts (Optuna: n_startup_trials = 10).
                 * @default 10
                 */
                startupTrials: number;
                /**
                 * @description Candidates drawn from l(x) per suggestion (Optuna: n_ei_candidates = 24). The sweep's last suggestion scores them for each parameter under a component per earlier trial: at most 10⁸ densities' work (see the README), else a 400 naming the most that fit.
                 * @default 24
                 */
                nEiCandidates: number;
                /**
                 * @description Fraction of finished trials that are "good": ⌈γ·n⌉ (Optuna: 0.1).
                 * @default 0.1
                 */
                gamma: number;
                /**
                 * @description At most this many good trials (Optuna: 25).
                 * @default 25
                 */
                gammaMax: number;
                /**
                 * @description Add the prior component N(centre, range²) to each estimator (Optuna: true).
                 * @default true
                 */
                considerPrior: boolean;
                /**
                 * @description Weight of the prior component (Optuna: 1).
                 * @default 1
                 */
                priorWeight: number;
                /**
                 * @description Keep bandwidths at least range/min(100, 1 + components) (Optuna: true).
                 * @default true
                 */
                considerMagicClip: boolean;
                /**
                 * @description Let the range ends widen the outermost bandwidths (Optuna: false).
                 * @default false
                 */
                considerEndpoints: boolean;
                /**
                 * @description Model the always-active parameters jointly, bandwidths by Scott's rule (Optuna: false).
                 * @default false
                 */
                multivariate: boolean;
                /**
                 * @description Count running trials as the worst, to spread parallel trials apart (Optuna: false).
                 * @default false
                 */
                constantLiar: boolean;
            };
            /** @description When to stop unpromising trials early. */
            pruner: {
                /** @enum {string} */
                type: "none";
            } | {
                /** @enum {string} */
                type: "median";
                /**
                 * @description No pruning until this many trials completed (Optuna: n_startup_trials = 5).
                 * @default 5
                 */
                startupTrials: number;
                /**
                 * @description No pruning before this step (Optuna: n_warmup_steps = 0).
                 * @default 0
                 */
                warmupSteps: number;
                /**
                 * @description Decide at the first recorded step of each interval after the warm-up (Optuna: interval_steps = 1).
                 * @default 1
                 */
                intervalSteps: number;
                /**
                 * @description Decide only with at least this many completed values at the step (Optuna: n_min_trials = 1).
                 * @default 1
                 */
                minTrials: number;
            } | {
                /** @enum {string} */
                type: "asha";
                /** @description Step of the first rung, the minimum resource r (default: 1% of the base spec's maxSteps, or of 1000 without one, as Optuna's 'auto' estimates it). */
                minSteps?: number;
                /**
                 * @description η: rungs lie η times apart, and 1 in η trials is promoted (Optuna: 4).
                 * @default 4
                 */
                reductionFactor: number;
                /**
                 * @description s: the first rung lies at minSteps · η^s (Optuna: 0).
                 * @default 0
                 */
                minEarlyStoppingRate: number;
                /**
                 * @description Stop every trial at a rung holding at most this many values (Optuna: 0).
                 * @default 0
                 */
                bootstrapCount: number;
                /** @description No rungs past this many (default: no limit). */
                maxRungs?: number;
            };
            /** @description When the sweep stops creating trials. */
            budget: {
                /** @description Trials at most (default: the grid's size for grid, else 100; at most 10000). */
                maxTrials?: number;
                /** @description The sweep fails once more trials than this have failed (default: once 10 consecutive trial numbers have each finished failed). A sweep whose every trial failed fails whatever this is. */
                maxFailedTrials?: number;
                /** @description No trial starts after this long: queued trials are cancelled, running ones told to stop, and the sweep ends once every trial has ended (default: no limit). */
                timeLimitSeconds?: number;
            };
            /**
             * @description Trials running at once, at most.
             * @default 4
             */
            parallelism: number;
        };
        /**
         * @description Where a sweep stands: `queued`, `running`, then `completed`, `failed` or `cancelled`.
         * @enum {string}
         */
        SweepStatus: "queued" | "running" | "completed" | "failed" | "cancelled";
        /** @description Why a sweep ended. A sweep that ends while trials are queued or running (target_reached, too_many_failures, time_limit, refused_spec) starts no more trials, cancels its queued ones and stops its running ones, and ends once every trial has ended, deciding then from how they ended: a trial that completes before its cancel reaches it counts, and can be the best. It ends with the ending that stopped it, as its cancelled trials' messages say, whatever else came to hold while it waited (a trial that reached the target after a sweep stopped for too_many_failures is its best, and the sweep failed with too_many_failures; one stopped for refused_spec fails so though its time limit passed meanwhile; one stopped at its time limit may end no_trial_finished, no_best_trial or too_many_failures as its trials ended); several holding at once, it stops for the strongest: target_reached, too_many_failures, time_limit, refused_spec. A cancel (cancelled) ends it at once. */
        SweepResult: {
            /**
             * @description `budget_exhausted`: Every trial of the budget (maxTrials) finished. `grid_exhausted`: Every point of the grid finished. `target_reached`: A trial reached metric.target; the message names the best that did. `time_limit`: budget.timeLimitSeconds passed: no trial started after it. `no_trial_finished`: budget.timeLimitSeconds passed before any trial finished, and every trial was cancelled, so it has no best trial. `no_best_trial`: Its budget, grid or time limit was spent and no trial ran to its end with a finite value of metric.name (each completed or diverged without one, such as a valLoss never finite, was pruned, failed or was cancelled), so it has no best trial; the message counts its trials by status. `too_many_failures`: More trials failed than budget.maxFailedTrials, or, without it, 10 trials in a row; or every trial failed once its budget, grid or time limit was spent. `coordination_failed`: Its coordination failed round after round; the message names the last error. Its running trials were cancelled. `refused_spec`: Its stored spec fails a check that submissions have had since it was stored; the message names the field. It creates no more trials. `trials_cancelled`: A client cancelled every trial (POST /v1/runs/{id}/cancel) before it finished, until its budget or grid was spent, so it has no best trial. `cancelled`: A client cancelled the sweep; its running trials were cancelled.
             * @enum {string}
             */
            reason: "budget_exhausted" | "grid_exhausted" | "target_reached" | "time_limit" | "no_trial_finished" | "no_best_trial" | "too_many_failures" | "coordination_failed" | "refused_spec" | "trials_cancelled" | "cancelled";
            /** @description Why it ended, in a sentence. */
            message: string;
        };
        /** @description Why a trial was pruned: the rule, the step, its value against the cutoff, its rank. */
        Pruning: {
            /** @description The pruner: median or asha. */
            rule: string;
            /** @description The step at which it was decided. */
            step: number;
            /** @description The value compared: the trial's best so far (median), its value at the rung (asha). The TPE sampler ranks pruned trials by their step and this value (where Optuna's uses the last intermediate value: the same for asha, the best so far for median); the trial's `value` is its value of the sweep's metric. */
            value: number | null;
            /** @description The value it had to beat. */
            cutoff: number | null;
            /** @description The rung of the decision (asha); null for median. */
            rung: number | null;
            /** @description 1 = best among the trial and its competitors. */
            rank: number | null;
            /** @description How many other trials it was compared with. */
            competitors: number;
            /** @description The decision in a sentence. */
            message: string;
        };
        /** @description A sweep's trial: a run with the parameters the sampler chose, and how it ended. */
        Trial: {
            /**
             * Format: uuid
             * @description The run the trial is.
             */
            runId: string;
            /** @description Its number within the sweep, from 0. */
            trialNumber: number;
            /**
             * @description The run's status.
             * @enum {string}
             */
            status: "queued" | "running" | "completed" | "early_stopped" | "diverged" | "failed" | "cancelled" | "pruned";
            /** @description Its value of the sweep's metric (`metric.name`), for a pruned trial as for a finished one: finalLoss or best.value of its result (a pruned trial's as it stopped), or the best valLoss or valAccuracy of its recorded steps. Null while it runs, for a failed or cancelled trial, and when it has none (a diverged loss). What a pruner compared is `pruning.value`. */
            value: number | null;
            /** @description The trial's parameters, keyed by dotted path into the run spec. */
            parameters: {
                [key: string]: number | string | boolean;
            };
            /** @description Updates made. */
            steps: number | null;
            /** @description The run's stopReason once it has ended. */
            stopReason: string | null;
            /** @description How it ended, in a sentence (for a pruned trial: why it was pruned). */
            message: string | null;
            pruning: components["schemas"]["Pruning"] | null;
            /**
             * Format: date-time
             * @description When the sweep started it.
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description When it ended; null while it runs.
             */
            finishedAt: string | null;
        };
        /** @description A sweep's trials per status. */
        TrialCounts: {
            /** @description Trials queued. */
            queued: number;
            /** @description Trials running. */
            running: number;
            /** @description Trials completed. */
            completed: number;
            /** @description Trials early_stopped. */
            early_stopped: number;
            /** @description Trials diverged. */
            diverged: number;
            /** @description Trials failed. */
            failed: number;
            /** @description Trials cancelled. */
            cancelled: number;
            /** @description Trials pruned. */
            pruned: number;
            /** @description Trials started. */
            total: number;
        };
        /** @description A sweep: its spec as accepted, its trials per status, the best trial so far, its progress and, once ended, why. */
        Sweep: {
            /**
             * Format: uuid
             * @description The sweep id.
             */
            id: string;
            /** @description The spec's name, if it gave one. */
            name: string | null;
            status: components["schemas"]["SweepStatus"];
            /**
             * Format: date-time
             * @description When it was submitted.
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description When its first round started trials; null while queued.
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @description When it ended; null until then.
             */
            finishedAt: string | null;
            /** @description The spec as accepted, with every default and the sampler seed filled in. */
            spec: {
                /** @description A name to recognise the sweep by. */
                name?: string;
                /** @description A run spec (see RunSpec): what every trial starts from. */
                base: {
                    [key: string]: unknown;
                };
                /** @description Searched parameters keyed by dotted paths into `base` (in order: `when` refers to earlier ones). A path no trial's spec can have, or a value its field never takes, is a 400 naming it. */
                parameters: {
                    [key: string]: {
                        /** @enum {string} */
                        type: "float";
                        /** @description Lower bound (inclusive). */
                        low?: number;
                        /** @description Upper bound (inclusive; greater than `low`: one value is `values: [x]`; lowered to the last `step` below it). */
                        high?: number;
                        /**
                         * @description Sample uniformly in log space (needs low > 0; no `step`).
                         * @default false
                         */
                        log: boolean;
                        /** @description Active only when every listed parameter (declared before this one) takes one of the listed values. */
                        when?: {
                            [key: string]: (number | string | boolean)[];
                        };
                        /** @description Only multiples of `step` above `low`. */
                        step?: number;
                        /** @description An explicit list instead of a range. */
                        values?: number[];
                    } | {
                        /** @enum {string} */
                        type: "int";
                        /** @description Lower bound (inclusive). */
                        low?: number;
                        /** @description Upper bound (inclusive; greater than `low`: one value is `values: [x]`; lowered to the last `step` below it). */
                        high?: number;
                        /**
                         * @description Sample uniformly in log space (needs low > 0; no `step`).
                         * @default false
                         */
                        log: boolean;
                        /** @description Active only when every listed parameter (declared before this one) takes one of the listed values. */
                        when?: {
                            [key: string]: (number | string | boolean)[];
                        };
                        /** @description Only every `step`-th integer from `low` (default 1). */
                        step?: number;
                        /** @description An explicit list instead of a range. */
                        values?: number[];
                    } | {
                        /** @enum {string} */
                        type: "categorical";
                        /** @description The choices: numbers, strings or booleans. */
                        values: (number | string | boolean)[];
                        /** @description Active only when every listed parameter (declared before this one) takes one of the listed values. */
                        when?: {
                            [key: string]: (number | string | boolean)[];
                        };
                    };
                };
                /** @description What trials are ranked by. */
                metric: {
                    /**
                     * @description finalLoss (the result's loss at the returned parameters), bestLoss (the result's best.value: the best monitored value), valLoss or valAccuracy (best over recorded steps).
                     * @default bestLoss
                     * @enum {string}
                     */
                    name: "finalLoss" | "bestLoss" | "valLoss" | "valAccuracy";
                    /**
                     * @description Default: maximize for valAccuracy, else minimize.
                     * @enum {string}
                     */
                    goal?: "minimize" | "maximize";
                    /** @description Stop the sweep once a trial reaches this value (at or beyond it in the goal's direction). */
                    target?: number;
                };
                /** @description How trial parameters are chosen. */
                sampler: {
                    /** @enum {string} */
                    type: "grid";
                    /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    type: "random";
                    /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                    seed?: number;
                } | {
                    /** @enum {string} */
                    type: "qmc";
                    /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                    seed?: number;
                    /**
                     * @description Which low-discrepancy sequence.
                     * @default sobol
                     * @enum {string}
                     */
                    sequence: "sobol" | "halton";
                    /**
                     * @description Randomise the sequence by the seed (Sobol: linear matrix scrambling and a digital shift; Halton: digit permutations).
                     * @default true
                     */
                    scramble: boolean;
                } | {
                    /** @enum {string} */
                    type: "tpe";
                    /** @description Seed of every random choice (default: drawn at submission and stored, so a sweep can be replayed). */
                    seed?: number;
                    /**
                     * @description Random trials before TPE starts (Optuna: n_startup_trials = 10).
                     * @default 10
                     */
                    startupTrials: number;
                    /**
                     * @description Candidates drawn from l(x) per suggestion (Optuna: n_ei_candidates = 24). The sweep's last suggestion scores them for each parameter under a component per earlier trial: at most 10⁸ densities' work (see the README), else a 400 naming the most that fit.
                     * @default 24
                     */
                    nEiCandidates: number;
                    /**
                     * @description Fraction of finished trials that are "good": ⌈γ·n⌉ (Optuna: 0.1).
                     * @default 0.1
                     */
                    gamma: number;
                    /**
                     * @description At most this many good trials (Optuna: 25).
                     * @default 25
                     */
                    gammaMax: number;
                    /**
                     * @description Add the prior component N(centre, range²) to each estimator (Optuna: true).
                     * @default true
                     */
                    considerPrior: boolean;
                    /**
                     * @description Weight of the prior component (Optuna: 1).
                     * @default 1
                     */
                    priorWeight: number;
                    /**
                     * @description Keep bandwidths at least range/min(100, 1 + components) (Optuna: true).
                     * @default true
                     */
                    considerMagicClip: boolean;
                    /**
                     * @description Let the range ends widen the outermost bandwidths (Optuna: false).
                     * @default false
                     */
                    considerEndpoints: boolean;
                    /**
                     * @description Model the always-active parameters jointly, bandwidths by Scott's rule (Optuna: false).
                     * @default false
                     */
                    multivariate: boolean;
                    /**
                     * @description Count running trials as the worst, to spread parallel trials apart (Optuna: false).
                     * @default false
                     */
                    constantLiar: boolean;
                };
                /** @description When to stop unpromising trials early. */
                pruner: {
                    /** @enum {string} */
                    type: "none";
                } | {
                    /** @enum {string} */
                    type: "median";
                    /**
                     * @description No pruning until this many trials completed (Optuna: n_startup_trials = 5).
                     * @default 5
                     */
                    startupTrials: number;
                    /**
                     * @description No pruning before this step (Optuna: n_warmup_steps = 0).
                     * @default 0
                     */
                    warmupSteps: number;
                    /**
                     * @description Decide at the first recorded step of each interval after the warm-up (Optuna: interval_steps = 1).
                     * @default 1
                     */
                    intervalSteps: number;
                    /**
                     * @description Decide only with at least this many completed values at the step (Optuna: n_min_trials = 1).
                     * @default 1
                     */
                    minTrials: number;
                } | {
                    /** @enum {string} */
                    type: "asha";
                    /** @description Step of the first rung, the minimum resource r (default: 1% of the base spec's maxSteps, or of 1000 without one, as Optuna's 'auto' estimates it). */
                    minSteps?: number;
                    /**
                     * @description η: rungs lie η times apart, and 1 in η trials is promoted (Optuna: 4).
                     * @default 4
                     */
                    reductionFactor: number;
                    /**
                     * @description s: the first rung lies at minSteps · η^s (Optuna: 0).
                     * @default 0
                     */
                    minEarlyStoppingRate: number;
                    /**
                     * @description Stop every trial at a rung holding at most this many values (Optuna: 0).
                     * @default 0
                     */
                    bootstrapCount: number;
                    /** @description No rungs past this many (default: no limit). */
                    maxRungs?: number;
                };
                /** @description When the sweep stops creating trials. */
                budget: {
                    /** @description Trials at most (default: the grid's size for grid, else 100; at most 10000). */
                    maxTrials?: number;
                    /** @description The sweep fails once more trials than this have failed (default: once 10 consecutive trial numbers have each finished failed). A sweep whose every trial failed fails whatever this is. */
                    maxFailedTrials?: number;
                    /** @description No trial starts after this long: queued trials are cancelled, running ones told to stop, and the sweep ends once every trial has ended (default: no limit). */
                    timeLimitSeconds?: number;
                };
                /**
                 * @description Trials running at once, at most.
                 * @default 4
                 */
                parallelism: number;
            } & WithRequired<components["schemas"]["SweepSpec"], "base" | "parameters" | "metric" | "sampler" | "pruner" | "budget" | "parallelism">;
            /** @description Trials per status. */
            trials: components["schemas"]["TrialCounts"];
            /** @description The best trial so far: of its completed, early stopped and diverged trials, the one with the best finite value of the metric; null while none has one. A completed sweep has one, but for one stored before the failure rules, whose result's message then says it has none; one that failed with no_trial_finished or no_best_trial, or ended with trials_cancelled, has none; one cancelled, or failed for another reason, may have one or not, and its result does not say. */
            best: {
                /**
                 * Format: uuid
                 * @description The run of the best trial.
                 */
                runId: string;
                /** @description Its trial number. */
                trialNumber: number;
                /** @description Its value of the sweep's metric. */
                value: number;
                /** @description The trial's parameters, keyed by dotted path into the run spec. */
                parameters: {
                    [key: string]: number | string | boolean;
                };
            } | null;
            /** @description How far along the budget it is. */
            progress: {
                /** @description Trials finished. */
                trials: number;
                /** @description budget.maxTrials (the grid size for a grid sampler). */
                maxTrials: number;
                /** @description Finished trials over maxTrials. */
                fraction: number;
                /** @description Seconds since it started; null while queued. */
                elapsedSeconds: number | null;
                /** @description budget.timeLimitSeconds, if set. */
                timeLimitSeconds: number | null;
            };
            /** @description Why it ended; null while it runs, also while a sweep that is ending waits for the trials it stopped (its status is running until then). */
            result: components["schemas"]["SweepResult"] | null;
        };
        ParallelReport: {
            /**
             * @description The parallel algorithm of the spec (parallel.algorithm).
             * @enum {string}
             */
            algorithm: "hogwild" | "downpour" | "adaptive-revision" | "easgd";
            /**
             * @description How the replicas ran (parallel.execution).
             * @enum {string}
             */
            execution: "concurrent" | "simulated";
            /** @description How many replicas ran. */
            replicas: number;
            /** @description Each replica's figures, in replica order. */
            readonly perReplica: {
                /** @description The replica, from 0. */
                replica: number;
                /** @description Local steps it made (gradients computed and applied). */
                steps: number;
                /** @description Its exchanges with the center or server: pulls and pushes (downpour), elastic exchanges (easgd), applied updates (hogwild, adaptive-revision). */
                exchanges: number;
                /** @description ‖x_i − center‖ at the end; null where replicas keep no vector of their own (hogwild, adaptive-revision). */
                centerDistance: number | null;
                /** @description The worker process (host:pid) that ran the replica last (concurrent downpour, easgd, adaptive-revision). */
                worker?: string | null;
            }[];
            /** @description Every replica's exchanges with the center or server. */
            communicationRounds: number;
            /** @description Updates other replicas applied to the center or server between a replica's read of it and its write: pushes between a pull and the next push (downpour), exchanges between two of a replica's exchanges (easgd), gradients applied between a gradient's read and its application (adaptive-revision), the other threads' updates between a read of θ and the write (hogwild). Null when none was measured. */
            staleness: {
                /** @description Updates measured (concurrent hogwild: one in eight). */
                updates: number;
                /** @description Mean staleness, in updates. */
                mean: number;
                /** @description Median staleness. */
                p50: number;
                /** @description 99th percentile of staleness. */
                p99: number;
                /** @description Largest staleness. */
                max: number;
            } | null;
            /** @description ‖x_i − center‖ at the end over the replicas; null where replicas keep no vector of their own. */
            centerDistance: {
                /** @description Mean over the replicas. */
                mean: number;
                /** @description Largest over the replicas. */
                max: number;
            } | null;
            /** @description Every replica's local steps per second of the run's time. */
            stepsPerSecond: number | null;
        };
        /**
         * @description `max_steps`: Every update of training.maxSteps (or of training.epochs) was made. `early_stopping`: The monitored value did not improve by more than earlyStopping.minDelta for earlyStopping.patience updates. `loss_target`: The loss fell below stopWhen.lossBelow. `grad_norm_target`: The gradient norm fell below stopWhen.gradNormBelow. `time_limit`: training.timeLimitSeconds passed. `pruned`: A sweep's pruner stopped the trial: result.pruning says why. `diverged`: The loss, a gradient or a parameter stopped being finite. `unbounded`: The loss fell below −1e100: the objective has no lower bound where the run went (a saddle, a missing term). `cancelled`: A client cancelled the run. `metric_rows_quota`: The tenant's metric rows reached its quota (TENANT_MAX_METRIC_ROWS): the service stopped the run, keeping its rows and result so far. `error`: The run could not go on (an objective that cannot be built, a worker error, a replica no worker began or resumed in REPLICA_START_TIMEOUT_MS, a replica job that failed for good, a begun replica whose worker showed no progress in REPLICA_STALL_TIMEOUT_MS).
         * @enum {string}
         */
        StopReason: "max_steps" | "early_stopping" | "loss_target" | "grad_norm_target" | "time_limit" | "pruned" | "diverged" | "unbounded" | "cancelled" | "metric_rows_quota" | "error";
        /** @description How a run ended: why, after how many updates, with which parameters and figures. */
        RunResult: {
            stopReason: components["schemas"]["StopReason"];
            /** @description The stop reason in a sentence for humans; with earlyStopping.restoreBest, then which parameters it returned and why. */
            message: string;
            /** @description Updates completed. */
            steps: number;
            /** @description The returned parameters: the last ones, or the best update's when restoredBest; an entry is null where it is not finite (a diverged run). Null when the run never started. */
            params: (number | null)[] | null;
            /** @description The objective at `params`, measured when the run ended: for a model, over the whole training set (L2 penalty included, batch normalization in evaluation mode). Null when not finite or not measured. */
            finalLoss: number | null;
            /** @description The validation loss at `params` (null without a validation set). */
            finalValLoss: number | null;
            /** @description The validation accuracy at `params` (null without a validation set, or for a regression). */
            finalValAccuracy: number | null;
            /** @description The best value of the monitored metric (earlyStopping.monitor; the training loss without early stopping or without a validation set): the lowest the run measured, as early stopping counts it. An update's value counts when it is below the best so far by more than minDelta; when the run ends, the last parameters' value counts when it is not above the best at all (atEnd). So best.value is never above the last parameters' value; earlyStopping.best, the updates' best alone, may be. Null when the run made no update. */
            best: {
                /**
                 * @description The monitored metric: `loss` (an update's training loss, on its batch, before the update) or `valLoss`.
                 * @enum {string}
                 */
                metric: "loss" | "valLoss";
                /** @description Its lowest value the run measured, the last parameters' included. */
                value: number;
                /** @description The step of that value: `loss` measured before update `step`, `valLoss` after it; `steps` when atEnd. */
                step: number;
                /** @description True when `value` is the last parameters' (those the last update left), measured when the run ended as finalLoss or finalValLoss are; false when it is an update's. Absent from results stored before it was kept (their value is an update's). */
                atEnd?: boolean;
            } | null;
            /** @description True when earlyStopping.restoreBest replaced the last parameters by the best update's (those of best.step). An update's value is its batch's (a concurrent run's observed record: a sample of the training rows'; with batch normalization, in training mode), so when the run ends restoreBest measures the best update's parameters as the last ones are (finalLoss, finalValLoss) and returns the lower, the last ones on a tie: never parameters worse than the last ones by that measure. False when it kept the last ones: they are the best (best.atEnd), or they measured no higher; the message says which, with both values. */
            restoredBest: boolean;
            /** @description A pruned trial's reason: the rule, the step, its value against the cutoff, its rank among the competitors. */
            pruning?: components["schemas"]["Pruning"];
            /** @description A parallel run's replicas: steps, exchanges, staleness, distance to the center, throughput. */
            parallel?: components["schemas"]["ParallelReport"];
        };
        /** @description One bad field of a request, with what is wrong. */
        FieldIssue: {
            /** @description The bad field, written as in JavaScript: `optimizer.learningRate`, `objective.initial[1]`; '' is the whole document. */
            path: string;
            /** @description What is wrong with it, in a sentence. */
            message: string;
            /** @description A stable machine-readable reason, e.g. `too_small`, `unrecognized_keys`. */
            code: string;
        };
        /** @description The quota a request would exceed: its name, its limit, the current use and what the request asked for. */
        Quota: {
            /** @description The setting that sets the quota, e.g. `TENANT_MAX_ACTIVE_RUNS`, `TENANT_MAX_METRIC_ROWS`. */
            name: string;
            /** @description Its value: what the tenant may have at most. */
            limit: number;
            /** @description What the tenant has now, in the same unit. */
            used: number;
            /** @description What this request would have added. */
            requested: number;
        };
        /** @description An error, as RFC 9457 problem details. */
        Problem: {
            /** @description A URI naming the kind of problem; `urn:descent:problem:<code>`. */
            type: string;
            /** @description The kind of problem, in a few words. */
            title: string;
            /** @description The HTTP status, repeated. */
            status: number;
            /** @description This occurrence, in a sentence: what to fix, or what failed. */
            detail?: string;
            /** @description The request path. */
            instance?: string;
            /** @description Stable error code, e.g. `validation_failed`, `unauthorized`, `not_found`, `rate_limited`. */
            code: string;
            /** @description For validation errors: one entry per invalid field. */
            errors?: components["schemas"]["FieldIssue"][];
            /** @description For `quota_exceeded`, `storage_quota_exceeded` and `too_many_concurrent`: the quota, its limit and the current use. */
            quota?: components["schemas"]["Quota"];
            /** @description For `objective_in_use` and `dataset_in_use`: the runs, sweeps and stored objectives that keep it. */
            usedBy?: components["schemas"]["UsedBy"];
        };
        /** @description How far a run has got, written by its worker as it runs. */
        RunProgress: {
            /** @description Updates made so far. */
            step: number;
            /** @description Updates the run will make at most; null when only a time limit bounds it. */
            totalSteps: number | null;
            /** @description The current epoch over the training data (model objectives); null otherwise. */
            epoch: number | null;
            /** @description step / totalSteps, in [0, 1]; null without totalSteps. */
            fraction: number | null;
            /** @description Recent speed, in updates per second. */
            stepsPerSecond: number | null;
            /** @description Seconds left at the recent speed; null without totalSteps. */
            etaSeconds: number | null;
        };
        /** @description Where early stopping stands: the monitored metric, its best value and the patience left. */
        EarlyStoppingState: {
            /** @description Whether the spec asked for early stopping. */
            enabled: boolean;
            /**
             * @description The metric watched for improvement.
             * @enum {string|null}
             */
            monitor: "loss" | "valLoss" | null;
            /** @description The best value of the monitored metric so far, over the updates' values as early stopping counts them: in a concurrent run, also the record of the updates its replicas made after a stop reached them, which may be past the best the rule saw when it fired. result.best counts the last parameters' value too, and so may be below it. */
            best: number | null;
            /** @description The step of that best value. */
            bestStep: number | null;
            /** @description Recorded evaluations without improvement allowed before stopping. */
            patience: number | null;
            /** @description Steps from the best value to the last record. */
            stepsSinceBest: number | null;
            /** @description Whether early stopping has ended the run (the rule fired; the run's message says at which step, and when a concurrent run's last updates then reached a better value). */
            stopped: boolean;
        };
        /** @description A run: its spec as accepted, its status, progress, early-stopping state and, once ended, its result. */
        Run: {
            /**
             * Format: uuid
             * @description The run id.
             */
            id: string;
            status: components["schemas"]["RunStatus"];
            /**
             * Format: date-time
             * @description When it was submitted.
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description When its row last changed (status, progress or result).
             */
            updatedAt: string;
            /**
             * Format: date-time
             * @description When a worker first started it; null while queued.
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @description When it reached a final status; null until then.
             */
            finishedAt: string | null;
            /**
             * Format: uuid
             * @description The sweep it is a trial of; null for a run submitted by itself.
             */
            sweepId: string | null;
            /** @description A sweep trial's number within its sweep, from 0. */
            trialNumber: number | null;
            /** @description A sweep trial's parameters, keyed by dotted path into the spec. */
            parameters: {
                [key: string]: number | string | boolean;
            } | null;
            /** @description How many times a worker has started the run. */
            attempts: number;
            /** @description A run: objective, optimizer, and the training settings around them. */
            spec: components["schemas"]["RunSpec"];
            progress: components["schemas"]["RunProgress"] | null;
            earlyStoppingState: components["schemas"]["EarlyStoppingState"] | null;
            /**
             * @deprecated
             * @description Deprecated, read `earlyStoppingState`: the same object under the name the spec gives its early-stopping settings. Kept for one version.
             */
            earlyStopping: components["schemas"]["EarlyStoppingState"] | null;
            result: components["schemas"]["RunResult"] | null;
        };
        /** @description How a run ended, as a list gives it: the run's result without `params` (read the run for them). */
        RunListResult: {
            stopReason: components["schemas"]["StopReason"];
            /** @description The stop reason in a sentence for humans; with earlyStopping.restoreBest, then which parameters it returned and why. */
            message: string;
            /** @description Updates completed. */
            steps: number;
            /** @description The objective at `params`, measured when the run ended: for a model, over the whole training set (L2 penalty included, batch normalization in evaluation mode). Null when not finite or not measured. */
            finalLoss: number | null;
            /** @description The validation loss at `params` (null without a validation set). */
            finalValLoss: number | null;
            /** @description The validation accuracy at `params` (null without a validation set, or for a regression). */
            finalValAccuracy: number | null;
            /** @description The best value of the monitored metric (earlyStopping.monitor; the training loss without early stopping or without a validation set): the lowest the run measured, as early stopping counts it. An update's value counts when it is below the best so far by more than minDelta; when the run ends, the last parameters' value counts when it is not above the best at all (atEnd). So best.value is never above the last parameters' value; earlyStopping.best, the updates' best alone, may be. Null when the run made no update. */
            best: {
                /**
                 * @description The monitored metric: `loss` (an update's training loss, on its batch, before the update) or `valLoss`.
                 * @enum {string}
                 */
                metric: "loss" | "valLoss";
                /** @description Its lowest value the run measured, the last parameters' included. */
                value: number;
                /** @description The step of that value: `loss` measured before update `step`, `valLoss` after it; `steps` when atEnd. */
                step: number;
                /** @description True when `value` is the last parameters' (those the last update left), measured when the run ended as finalLoss or finalValLoss are; false when it is an update's. Absent from results stored before it was kept (their value is an update's). */
                atEnd?: boolean;
            } | null;
            /** @description True when earlyStopping.restoreBest replaced the last parameters by the best update's (those of best.step). An update's value is its batch's (a concurrent run's observed record: a sample of the training rows'; with batch normalization, in training mode), so when the run ends restoreBest measures the best update's parameters as the last ones are (finalLoss, finalValLoss) and returns the lower, the last ones on a tie: never parameters worse than the last ones by that measure. False when it kept the last ones: they are the best (best.atEnd), or they measured no higher; the message says which, with both values. */
            restoredBest: boolean;
            /** @description A pruned trial's reason: the rule, the step, its value against the cutoff, its rank among the competitors. */
            pruning?: components["schemas"]["Pruning"];
            /** @description A parallel run's replicas: steps, exchanges, staleness, distance to the center, throughput. */
            parallel?: components["schemas"]["ParallelReport"];
        };
        /** @description A run in a list: the run as `GET /v1/runs/{id}` answers it, its result without `params`. */
        RunListItem: {
            /**
             * Format: uuid
             * @description The run id.
             */
            id: string;
            status: components["schemas"]["RunStatus"];
            /**
             * Format: date-time
             * @description When it was submitted.
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description When its row last changed (status, progress or result).
             */
            updatedAt: string;
            /**
             * Format: date-time
             * @description When a worker first started it; null while queued.
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @description When it reached a final status; null until then.
             */
            finishedAt: string | null;
            /**
             * Format: uuid
             * @description The sweep it is a trial of; null for a run submitted by itself.
             */
            sweepId: string | null;
            /** @description A sweep trial's number within its sweep, from 0. */
            trialNumber: number | null;
            /** @description A sweep trial's parameters, keyed by dotted path into the spec. */
            parameters: {
                [key: string]: number | string | boolean;
            } | null;
            /** @description How many times a worker has started the run. */
            attempts: number;
            /** @description A run: objective, optimizer, and the training settings around them. */
            spec: components["schemas"]["RunSpec"];
            progress: components["schemas"]["RunProgress"] | null;
            earlyStoppingState: components["schemas"]["EarlyStoppingState"] | null;
            /**
             * @deprecated
             * @description Deprecated, read `earlyStoppingState`: the same object under the name the spec gives its early-stopping settings. Kept for one version.
             */
            earlyStopping: components["schemas"]["EarlyStoppingState"] | null;
            result: components["schemas"]["RunListResult"] | null;
        };
        /** @description A benchmark function a run spec can name. */
        Benchmark: {
            /** @description The `name` of a benchmark objective. */
            name: string;
            /** @description The formula, the standard start and the known minimum, in one line. */
            description: string;
            /** @description Allowed and default sizes; two-dimensional functions have min = max = 2. */
            dimensions: {
                /** @description The size without `dimensions`. */
                default: number;
                /** @description The smallest size. */
                min: number;
                /** @description The largest size. */
                max: number;
            };
            /** @description Whether `conditionNumber` applies. */
            conditioned: boolean;
        };
        /** @description The benchmark functions a run spec can name. */
        BenchmarkCatalogue: {
            /** @description Every benchmark, by name. */
            benchmarks: components["schemas"]["Benchmark"][];
        };
        /** @description The metrics a run records at each step. */
        MetricFieldCatalogue: {
            /** @description Every recorded field, in column order. */
            fields: components["schemas"]["MetricField"][];
        };
        /** @description Whether PostgreSQL and Redis are reachable. */
        Readiness: {
            /**
             * @description `ready` when every service answered.
             * @enum {string}
             */
            status: "ready" | "not_ready";
            /** @description One line per unreachable service. */
            detail?: string;
            /** @description Each service Descent needs, and whether it answered. */
            services: {
                /** @description PostgreSQL. */
                postgres: {
                    /** @description Whether it answered. */
                    ok: boolean;
                    /** @description Why the service is unreachable. */
                    error?: string;
                };
                /** @description Redis. */
                redis: {
                    /** @description Whether it answered. */
                    ok: boolean;
                    /** @description Why the service is unreachable. */
                    error?: string;
                };
            };
        };
        /** @description An optimizer's hyperparameter: its bounds and its default in each flavor. */
        Hyperparameter: {
            /** @description The field of `optimizer` in a run spec. */
            name: string;
            /** @enum {string} */
            type: "number";
            /** @description The smallest value allowed. */
            minimum?: number;
            /** @description Values must be above this. */
            exclusiveMinimum?: number;
            /** @description The largest value allowed. */
            maximum?: number;
            /** @description Values must be below this. */
            exclusiveMaximum?: number;
            /** @description The value used when the field is left out, per flavor. */
            default: {
                /** @description The default in the paper flavor. */
                paper: number;
                /** @description The default in the pytorch flavor. */
                pytorch: number;
            };
            /** @description The flavors in which the field may be set. */
            flavors: ("paper" | "pytorch")[];
            /** @description What it sets, in a sentence. */
            description: string;
        };
        /** @description An optimizer a run spec can name in `optimizer.name`. */
        Optimizer: {
            /** @description The value of `optimizer.name`. */
            name: string;
            /** @description One line. */
            description: string;
            /** @description The flavors it runs in (`optimizer.flavor`). */
            flavors: ("paper" | "pytorch")[];
            /** @description `weightDecay` is the decoupled decay of the optimizer itself (AdamW) rather than an L2 term in the gradient. */
            decoupledWeightDecay: boolean;
            /** @description Its hyperparameters. */
            hyperparameters: components["schemas"]["Hyperparameter"][];
        };
        /** @description The optimizers a run spec can name. */
        OptimizerCatalogue: {
            /** @description Every optimizer. */
            optimizers: components["schemas"]["Optimizer"][];
        };
        /** @description A field of `parallel` in a run spec, with its bounds. */
        ParallelParameter: {
            /**
             * @description The field of `parallel` in a run spec.
             * @enum {string}
             */
            name: "communicationPeriod" | "movingRate" | "delay" | "shards";
            /**
             * @description Whole numbers only, or any number.
             * @enum {string}
             */
            type: "integer" | "number";
            /** @description The smallest value allowed. */
            minimum: number;
            /** @description The largest value allowed. */
            maximum: number;
            /** @description The value used when the field is left out; null when it depends on `replicas` (movingRate: 0.9/p). */
            default: number | null;
            /** @description The field applies only with execution "simulated". */
            simulatedOnly: boolean;
            /** @description What it sets, in a sentence. */
            description: string;
        };
        /** @description A parallel algorithm a run spec can name in `parallel.algorithm`. */
        ParallelAlgorithm: {
            /** @description The value of `parallel.algorithm`. */
            name: string;
            /** @description One line. */
            description: string;
            /** @description The paper it comes from. */
            paper: string;
            /** @description The only `optimizer.name` the algorithm runs with; null: any optimizer. */
            optimizer: string | null;
            /** @description The values of `parallel.execution` this service runs it in. */
            executions: ("concurrent" | "simulated")[];
            /** @description Whether a learning-rate `schedule` applies to its steps. */
            schedules: boolean;
            /** @description The fields of `parallel` it uses besides algorithm, replicas and execution. */
            parameters: components["schemas"]["ParallelParameter"][];
        };
        /** @description The parallel algorithms and the bounds of `parallel.replicas`. */
        ParallelAlgorithmCatalogue: {
            /** @description Bounds of `parallel.replicas`. */
            replicas: {
                /** @description The fewest replicas. */
                minimum: number;
                /** @description The most replicas. */
                maximum: number;
            };
            /** @description Every parallel algorithm. */
            algorithms: components["schemas"]["ParallelAlgorithm"][];
        };
        /** @description A page of runs. */
        RunList: {
            /** @description Runs, newest first; each result without `params` (read the run for them). */
            runs: components["schemas"]["RunListItem"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        /** @description A two-parameter run's objective on a grid, with the run's start and end. */
        Landscape: {
            /**
             * Format: uuid
             * @description The run id.
             */
            runId: string;
            /** @description The two parameter names: x, then y. */
            variables: (string)[];
            /** @description Grid points along each axis. */
            resolution: number;
            /** @description `low, high` of the first parameter. */
            xRange: (number)[];
            /** @description `low, high` of the second parameter. */
            yRange: (number)[];
            /** @description Grid abscissae, low to high. */
            x: number[];
            /** @description Grid ordinates, low to high. */
            y: number[];
            /** @description `values[j][i]` = f(x[i], y[j]); null where not finite. */
            values: (number | null)[][];
            /** @description The range of the finite values on the grid. */
            valueRange: {
                /** @description The smallest finite value. */
                min: number | null;
                /** @description The largest finite value. */
                max: number | null;
            };
            /** @description The starting point. */
            start: (number)[];
            /** @description The final parameters, once the run has a result. */
            final: (number)[] | null;
            /** @description The known minimum, where the objective documents one. */
            minimum: {
                /** @description f at the minimum. */
                value: number;
                /** @description Where it is, when a single point. */
                params: (number)[] | null;
            } | null;
        };
        /** @description One recorded step: `step`, then the selected fields; non-finite values are null. */
        MetricRow: {
            /** @description The step (update number, from 1). */
            step: number;
        } & {
            [key: string]: (number | (number | null)[]) | null;
        };
        /** @description A downsampled bucket: each selected field as the mean of its finite values (null when there is none), plus `<field>Min` and `<field>Max`; a mean is exact, up to rounding, even when the values sum past the range of a double. `epoch`, `elapsedSeconds` and `params` (the parameters) at the bucket's last recorded step, `stepEnd`. */
        MetricBucket: {
            /** @description First recorded step in the bucket. */
            step: number;
            /** @description Last recorded step in the bucket. */
            stepEnd: number;
            /** @description Recorded steps in the bucket. */
            count: number;
        } & {
            [key: string]: (number | (number | null)[]) | null;
        };
        /** @description A page of a run's recorded steps, or its downsampled buckets. */
        MetricsPage: {
            /**
             * Format: uuid
             * @description The run id.
             */
            runId: string;
            /** @description The fields each point carries besides `step`. */
            fields: ("loss" | "valLoss" | "valAccuracy" | "gradNorm" | "learningRate" | "updateNorm" | "epoch" | "elapsedSeconds" | "params")[];
            /** @description Whether the points are buckets (with `maxPoints`) rather than rows. */
            downsampled: boolean;
            /** @description Steps per bucket when downsampled, else null. */
            bucketSize: number | null;
            /** @description Rows (or buckets) in step order. */
            points: (components["schemas"]["MetricRow"] | components["schemas"]["MetricBucket"])[];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        ParameterNames: {
            /**
             * Format: uuid
             * @description The run id.
             */
            runId: string;
            /** @description How many parameters the objective has: the length of the parameter vector (a benchmark spec sets it as `dimensions`). */
            dimensions: number;
            /**
             * @deprecated
             * @description Deprecated, read `dimensions`: the same number. Kept for one version.
             */
            dimension: number;
            /** @description The names in vector order; null past 100000 parameters. */
            names: string[] | null;
        };
        /** @description A page of sweeps. */
        SweepList: {
            /** @description Sweeps, newest first. */
            sweeps: components["schemas"]["Sweep"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        TrialList: {
            /** @description With `order=rank` (the default), best first: finished trials by value, then pruned ones (deepest first, then by value), then queued and running ones, then failed and cancelled ones (and finished ones without a value); ties by trial number. With `order=trial`, by trial number. */
            items: components["schemas"]["Trial"][];
            /** @description Pass as `cursor` (with the same `order`) for the next page, which starts after this page's last trial; null on the last page. */
            nextCursor: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
type WithRequired<T, K extends keyof T> = T & {
    [P in K]-?: T[P];
};
export type operations = Record<string, never>;
