// The timing budgets the analysis checks against, as data. packages/trace sits below the protocol
// libraries and cannot import @v2xsim/iso15118: the caller passes its V2G_TIMING table (which has
// this shape), or any table of the same shape.

/** A request/response pair (ISO 15118-2 Table 109, -20 Tables 215-219, DIN SPEC 70121 §9.6). */
export interface MessageBudget {
  /** V2G_EVCC_Msg_Timeout: the EV waits this long for the response */
  readonly evccTimeoutMs: number;
  /** V2G_SECC_Msg_Performance_Time: the EVSE should answer this soon */
  readonly seccPerformanceMs: number;
}

export interface TimerBudget {
  readonly value: number;
  readonly unit?: string;
}

export interface ProtocolBudgets {
  /** keyed by the message name without Req/Res: `CurrentDemand`, `DC_ChargeLoop` */
  readonly messages?: Readonly<Record<string, MessageBudget>>;
  /** keyed by the timer's name in the standard: `V2G_SECC_Sequence_Timeout`, `SCALE_Renegotiation_Timeout` */
  readonly timers?: Readonly<Record<string, TimerBudget>>;
}

/** Shaped like @v2xsim/iso15118's `V2G_TIMING`: `din`, `iso2`, `iso20` (and `sdp`). */
export type TimingBudgets = Readonly<Partial<Record<'din' | 'iso2' | 'iso20' | 'sdp', ProtocolBudgets>>>;

/** The budget table key of a traced ISO 15118 / DIN protocol. */
export function budgetKey(protocol: string): 'din' | 'iso2' | 'iso20' | undefined {
  switch (protocol) {
    case 'din70121':
      return 'din';
    case 'iso15118-2':
    case 'apphand':
      // SupportedAppProtocol has the same budget in every table (2 s / 1.5 s); the SECC times it with -2's
      return 'iso2';
    case 'iso15118-20':
      return 'iso20';
    default:
      return undefined;
  }
}

/**
 * The message key of the tables and of the timing report: `SessionSetupReq`/`SessionSetupRes` →
 * `SessionSetup`; `supportedAppProtocolReq` → `SupportedAppProtocol`; OCPP `BootNotificationRequest`
 * → `BootNotification`; OCPI `PUT /sessions/{…} response` → `PUT /sessions/{…}`.
 */
export function messageKey(message: string): string {
  if (message.endsWith(' response')) return message.slice(0, -' response'.length);
  if (/^(GET|PUT|PATCH|POST|DELETE) /.test(message)) return message;
  const base = message.replace(/(Req|Res|Request|Response)$/, '');
  return base.charAt(0).toUpperCase() + base.slice(1);
}

export function messageBudget(budgets: TimingBudgets | undefined, protocol: string, message: string): MessageBudget | undefined {
  const key = budgetKey(protocol);
  const table = key ? budgets?.[key]?.messages : undefined;
  const k = messageKey(message);
  return table && Object.hasOwn(table, k) ? table[k] : undefined;
}

export function timerBudget(budgets: TimingBudgets | undefined, protocol: 'din' | 'iso2' | 'iso20' | 'sdp', name: string): number | undefined {
  const timers = budgets?.[protocol]?.timers;
  return timers && Object.hasOwn(timers, name) ? timers[name]!.value : undefined;
}
