/**
 * The one table of ISO 15118-2, ISO 15118-20 and DIN SPEC 70121 timers.
 *
 * Every value is in milliseconds (or a count, see `unit`), with its source in `source`
 * (a requirement id, a table of the standard, or the open implementation it was read from) and
 * the reasoning for anything not read directly in a comment. `docs/transport.md` renders this
 * table and a test checks that the doc lists every entry.
 *
 * Terms (ISO 15118-2 §8.7.1; SCALE D2.3 §11.2): a *timeout* is a hard limit whose expiry
 * starts error handling (the EVCC stops the session); a *performance time* is the budget the
 * other side should meet, so that the timeout is not hit. Exceeding it is not an error by
 * itself, but the simulator reports it as a breach.
 */

/** The V2G protocols whose timers are in the table. */
export type V2gProtocol = 'din' | 'iso2' | 'iso20';

export const V2G_PROTOCOLS: readonly V2gProtocol[] = ['din', 'iso2', 'iso20'];

/** Per request/response pair, keyed by the message name without Req/Res. */
export interface V2gMessageTiming {
  /** V2G_EVCC_Msg_Timeout: the EVCC waits this long for the response after sending the request. */
  readonly evccTimeoutMs: number;
  /** V2G_SECC_Msg_Performance_Time: the SECC should send the response this soon after the request. */
  readonly seccPerformanceMs: number;
  /** Where the values come from. */
  readonly source: string;
}

/** Any other timer: a sequence, phase or discovery limit. */
export interface V2gTimer {
  readonly value: number;
  /** `ms` for a duration; `requests` for a count (SDP). */
  readonly unit: 'ms' | 'requests';
  /** Which side runs the timer. */
  readonly side: 'EVCC' | 'SECC';
  readonly kind: 'timeout' | 'performance' | 'limit';
  readonly source: string;
}

export interface V2gProtocolTiming {
  readonly messages: Readonly<Record<string, V2gMessageTiming>>;
  readonly timers: Readonly<Record<string, V2gTimer>>;
}

// Sources used below, named once.
/** ISO 15118-2:2014 Table 109 (EVCC timeouts, SECC performance times) [V2G2-436..445]. */
const ISO2_T109 = 'ISO 15118-2 Table 109 [V2G2-436]; RISE TimeRestrictions.java, Josev iso15118_2/timeouts.py';
/** ISO 15118-2 Table 111 (communication setup, CableCheck, PreCharge). */
const ISO2_T111 = 'ISO 15118-2 Table 111';
/** DIN SPEC 70121 §9.6 as implemented by Josev `din_spec/timeouts.py`. */
const DIN_96 = 'DIN SPEC 70121 §9.6; Josev din_spec/timeouts.py';
/**
 * DIN SPEC 70121 performance times are not in our sources. The values follow ISO 15118-2
 * Table 109 (timeout − 0.5 s; CurrentDemand 25 ms, which D2.3 §11.2 gives for "DC charging").
 */
const DIN_PERF = 'by analogy with ISO 15118-2 Table 109 and SCALE D2.3 §11.2 (unverified for DIN)';
/** ISO 15118-20 Table 215 (common messages) as implemented by Josev `iso15118_20/timeouts.py`. */
const ISO20_T215 = 'ISO 15118-20 Table 215 [V2G20-1499]; Josev iso15118_20/timeouts.py';
/**
 * The -20 performance times for the common messages (Table 215) are not in our sources; Tables
 * 216-219 give 1.5 s for every 2 s message they list, so the same rule (timeout − 0.5 s) is used.
 */
const ISO20_PERF = 'timeout − 0.5 s, as in ISO 15118-20 Tables 216-219 (Table 215 values unverified)';

const m = (evccTimeoutMs: number, seccPerformanceMs: number, source: string): V2gMessageTiming => ({
  evccTimeoutMs,
  seccPerformanceMs,
  source,
});

const t = (value: number, side: V2gTimer['side'], kind: V2gTimer['kind'], source: string): V2gTimer => ({
  value,
  unit: 'ms',
  side,
  kind,
  source,
});

export const V2G_TIMING = {
  din: {
    // DIN 70121 is DC with EIM only; these are the messages it uses. All 2 s except CurrentDemand.
    messages: {
      SupportedAppProtocol: m(2000, 1500, `${DIN_96}; perf ${DIN_PERF}`),
      SessionSetup: m(2000, 1500, `${DIN_96}; perf ${DIN_PERF}`),
      ServiceDiscovery: m(2000, 1500, `${DIN_96}; perf ${DIN_PERF}`),
      ServicePaymentSelection: m(2000, 1500, `${DIN_96}; perf ${DIN_PERF}`),
      ContractAuthentication: m(2000, 1500, `${DIN_96}; perf ${DIN_PERF}`),
      ChargeParameterDiscovery: m(2000, 1500, `${DIN_96}; perf ${DIN_PERF}`),
      CableCheck: m(2000, 1500, `${DIN_96}; perf ${DIN_PERF}`),
      PreCharge: m(2000, 1500, `${DIN_96}; perf ${DIN_PERF}`),
      PowerDelivery: m(2000, 1500, `${DIN_96}; perf ${DIN_PERF}`),
      CurrentDemand: m(250, 25, `${DIN_96}; perf ${DIN_PERF}`),
      WeldingDetection: m(2000, 1500, `${DIN_96}; perf ${DIN_PERF}`),
      SessionStop: m(2000, 1500, `${DIN_96}; perf ${DIN_PERF}`),
    },
    timers: {
      V2G_SECC_Sequence_Timeout: t(60_000, 'SECC', 'timeout', DIN_96),
      V2G_EVCC_CommunicationSetup_Timeout: t(20_000, 'EVCC', 'timeout', DIN_96),
      V2G_EVCC_ReadyToCharge_Timeout: t(150_000, 'EVCC', 'timeout', DIN_96),
      V2G_EVCC_CableCheck_Timeout: t(40_000, 'EVCC', 'timeout', DIN_96),
      V2G_EVCC_PreCharge_Timeout: t(7_000, 'EVCC', 'timeout', DIN_96),
      V2G_EVCC_CPState_Detection_Timeout: t(1_500, 'EVCC', 'timeout', DIN_96),
    },
  },
  iso2: {
    messages: {
      SupportedAppProtocol: m(2000, 1500, ISO2_T109),
      SessionSetup: m(2000, 1500, ISO2_T109),
      ServiceDiscovery: m(2000, 1500, ISO2_T109),
      ServiceDetail: m(5000, 4500, ISO2_T109),
      PaymentServiceSelection: m(2000, 1500, ISO2_T109),
      PaymentDetails: m(5000, 4500, ISO2_T109),
      Authorization: m(2000, 1500, ISO2_T109),
      ChargeParameterDiscovery: m(2000, 1500, ISO2_T109),
      // AC loop. D2.3 §11.2: "2 seconds ... (timeout) ... 1,5 seconds for AC charging (performance)".
      ChargingStatus: m(2000, 1500, `${ISO2_T109}; SCALE D2.3 §11.2`),
      // D2.3 §11.2: "2 seconds (timeout) or 1,5 seconds (performance)" for metering information.
      MeteringReceipt: m(2000, 1500, `${ISO2_T109}; SCALE D2.3 §11.2`),
      // 4.5 s: EVerest d2 power_delivery.cpp comment; Table 109 as transcribed in open sources.
      PowerDelivery: m(5000, 4500, ISO2_T109),
      CableCheck: m(2000, 1500, ISO2_T109),
      PreCharge: m(2000, 1500, ISO2_T109),
      // DC loop. D2.3 §11.2: 250 ms timeout, 25 ms performance for DC charging.
      CurrentDemand: m(250, 25, `${ISO2_T109}; SCALE D2.3 §11.2`),
      WeldingDetection: m(2000, 1500, ISO2_T109),
      SessionStop: m(2000, 1500, ISO2_T109),
      CertificateInstallation: m(5000, 4500, ISO2_T109),
      CertificateUpdate: m(5000, 4500, ISO2_T109),
    },
    timers: {
      V2G_EVCC_Sequence_Performance_Time: t(40_000, 'EVCC', 'performance', `${ISO2_T109}; RISE`),
      V2G_SECC_Sequence_Timeout: t(60_000, 'SECC', 'timeout', `${ISO2_T109} [V2G2-443]; RISE`),
      V2G_EVCC_Ongoing_Timeout: t(60_000, 'EVCC', 'timeout', `${ISO2_T109} [V2G2-711]; RISE`),
      V2G_SECC_Ongoing_Performance_Time: t(55_000, 'SECC', 'performance', `${ISO2_T109} [V2G2-713]`),
      V2G_EVCC_CommunicationSetup_Timeout: t(20_000, 'EVCC', 'timeout', `${ISO2_T111} [V2G2-714]; RISE`),
      V2G_SECC_CommunicationSetup_Performance_Time: t(
        18_000,
        'SECC',
        'performance',
        `${ISO2_T111}; EVerest EvseV2G v2g.hpp`,
      ),
      V2G_EVCC_CableCheck_Timeout: t(40_000, 'EVCC', 'timeout', `${ISO2_T111} [V2G2-700]; RISE`),
      V2G_SECC_CableCheck_Performance_Time: t(38_000, 'SECC', 'performance', ISO2_T111),
      V2G_EVCC_PreCharge_Timeout: t(7_000, 'EVCC', 'timeout', `${ISO2_T111} [V2G2-704]; RISE`),
      V2G_SECC_PreCharge_Performance_Time: t(5_000, 'SECC', 'performance', ISO2_T111),
      // The EVCC switches CP from state B to C/D within 250 ms of PowerDeliveryRes(Start).
      V2G_EVCC_CP_StateC_Performance_Time: t(250, 'EVCC', 'performance', '[V2G2-847]; EVerest EvseV2G v2g.hpp'),
      V2G_SECC_ContactorClose_Performance_Time: t(3_000, 'SECC', 'performance', '[V2G2-860]; EVerest EvseV2G v2g.hpp'),
    },
  },
  iso20: {
    messages: {
      SupportedAppProtocol: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      SessionSetup: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      AuthorizationSetup: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      Authorization: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      ServiceDiscovery: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      ServiceDetail: m(5000, 4500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      ServiceSelection: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      CertificateInstallation: m(5000, 4500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      ScheduleExchange: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      PowerDelivery: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      MeteringConfirmation: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      SessionStop: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      VehicleCheckIn: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      VehicleCheckOut: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      AC_ChargeParameterDiscovery: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      DC_ChargeParameterDiscovery: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      WPT_ChargeParameterDiscovery: m(2000, 1500, `${ISO20_T215}; perf ${ISO20_PERF}`),
      // Charge loops: 0.5 s timeout and 0.25 s performance time in the standard itself. D2.3 §11.2
      // (25 ms) describes the -2 CurrentDemand loop; -20 relaxed it, and the table follows -20.
      AC_ChargeLoop: m(500, 250, 'ISO 15118-20 Table 216 [V2G20-1499]'),
      DC_ChargeLoop: m(500, 250, 'ISO 15118-20 Table 217 [V2G20-1501]'),
      WPT_ChargeLoop: m(500, 250, 'ISO 15118-20 Table 218 [V2G20-5069]'),
      DC_CableCheck: m(2000, 1500, 'ISO 15118-20 Table 217 [V2G20-1501]'),
      DC_PreCharge: m(2000, 1500, 'ISO 15118-20 Table 217 [V2G20-1501]'),
      DC_WeldingDetection: m(2000, 1500, 'ISO 15118-20 Table 217 [V2G20-1501]'),
      WPT_FinePositioningSetup: m(2000, 1500, 'ISO 15118-20 Table 218 [V2G20-5069]'),
      WPT_FinePositioning: m(2000, 1500, 'ISO 15118-20 Table 218 [V2G20-5069]'),
      WPT_Pairing: m(2000, 1500, 'ISO 15118-20 Table 218 [V2G20-5069]'),
      WPT_AlignmentCheck: m(2000, 1500, 'ISO 15118-20 Table 218 [V2G20-5069]'),
      ACDP_VehiclePositioning: m(2000, 1500, 'ISO 15118-20 Table 219 [V2G20-4020]'),
      ACDP_Connect: m(2000, 1500, 'ISO 15118-20 Table 219 [V2G20-4020]'),
      ACDP_Disconnect: m(2000, 1500, 'ISO 15118-20 Table 219 [V2G20-4020]'),
      ACDP_SystemStatus: m(2000, 1500, 'ISO 15118-20 Table 219 [V2G20-4020]'),
    },
    timers: {
      V2G_EVCC_Sequence_Performance_Time: t(40_000, 'EVCC', 'performance', ISO20_T215),
      V2G_SECC_Sequence_Timeout: t(60_000, 'SECC', 'timeout', ISO20_T215),
      // Inside the AC/DC/WPT charge loop the sequence timers shrink (Tables 216-218).
      V2G_EVCC_Sequence_Performance_Time_ChargeLoop: t(250, 'EVCC', 'performance', 'ISO 15118-20 Tables 216-218'),
      V2G_SECC_Sequence_Timeout_ChargeLoop: t(500, 'SECC', 'timeout', 'ISO 15118-20 Tables 216-218'),
      V2G_EVCC_Ongoing_Timeout: t(60_000, 'EVCC', 'timeout', ISO20_T215),
      V2G_EVCC_CommunicationSetup_Timeout: t(20_000, 'EVCC', 'timeout', 'ISO 15118-20 Table 221; Josev'),
      V2G_SECC_CommunicationSetup_Performance_Time: t(
        18_000,
        'SECC',
        'performance',
        'ISO 15118-20 Table 221 (same as -2; unverified)',
      ),
      V2G_EVCC_CableCheck_Timeout: t(40_000, 'EVCC', 'timeout', 'ISO 15118-20; Josev iso15118_20/timeouts.py'),
      V2G_EVCC_PreCharge_Timeout: t(10_000, 'EVCC', 'timeout', 'ISO 15118-20; Josev iso15118_20/timeouts.py'),
      // The whole schedule renegotiation, until the EVSE has the new data (DC charge, worst case).
      SCALE_Renegotiation_Timeout: t(7_000, 'EVCC', 'timeout', 'SCALE D2.3 §11.2'),
      SCALE_Renegotiation_Performance_Time: t(6_000, 'SECC', 'performance', 'SCALE D2.3 §11.2'),
    },
  },
  /** SECC Discovery Protocol: the same for DIN, -2 and -20. */
  sdp: {
    timers: {
      // The EVCC waits at least this long for an SDP response before repeating the request.
      V2G_EVCC_SDP_Response_Timeout: t(250, 'EVCC', 'timeout', '[V2G2-159]; RISE SDP_RESPONSE_TIMEOUT'),
      V2G_EVCC_SDP_Max_Requests: {
        value: 50,
        unit: 'requests',
        side: 'EVCC',
        kind: 'limit',
        source: '[V2G2-161]; RISE SDP_REQUEST_MAX_COUNTER, Josev SDP_MAX_REQUEST_COUNTER',
      },
    },
  },
} as const satisfies Record<V2gProtocol, V2gProtocolTiming> & { sdp: { timers: Record<string, V2gTimer> } };

export type V2gMessageName<P extends V2gProtocol> = keyof (typeof V2G_TIMING)[P]['messages'] & string;
export type V2gTimerName<P extends V2gProtocol> = keyof (typeof V2G_TIMING)[P]['timers'] & string;
