// Realistic V2G messages for the EXI benchmark: every field a real session sends, typical values.
// JSON form of @v2xsim/exi: element names as keys, repeated elements as arrays, binary as hex.

const SESSION_ID = '4a1f93c07e2bd568'; // 8 bytes
const TIME_STAMP = 1735689600; // 2025-01-01T00:00:00Z

/** ISO 15118-2 PhysicalValue */
const pv = (Value, Unit, Multiplier = 0) => ({ Multiplier, Unit, Value });
/** ISO 15118-20 RationalNumber */
const rn = (Value, Exponent = 0) => ({ Exponent, Value });

const iso2Header = { SessionID: SESSION_ID };
const iso20Header = { SessionID: SESSION_ID, TimeStamp: TIME_STAMP };

const currentDemandReq = {
  V2G_Message: {
    Header: iso2Header,
    Body: {
      CurrentDemandReq: {
        DC_EVStatus: { EVReady: true, EVErrorCode: 'NO_ERROR', EVRESSSOC: 57 },
        EVTargetCurrent: pv(1250, 'A', -1),
        EVMaximumVoltageLimit: pv(4500, 'V', -1),
        EVMaximumCurrentLimit: pv(2000, 'A', -1),
        EVMaximumPowerLimit: pv(9000, 'W', 1),
        BulkChargingComplete: false,
        ChargingComplete: false,
        RemainingTimeToFullSoC: pv(2460, 's'),
        RemainingTimeToBulkSoC: pv(1380, 's'),
        EVTargetVoltage: pv(4020, 'V', -1),
      },
    },
  },
};

const currentDemandRes = {
  V2G_Message: {
    Header: iso2Header,
    Body: {
      CurrentDemandRes: {
        ResponseCode: 'OK',
        DC_EVSEStatus: { NotificationMaxDelay: 0, EVSENotification: 'None', EVSEIsolationStatus: 'Valid', EVSEStatusCode: 'EVSE_Ready' },
        EVSEPresentVoltage: pv(3987, 'V', -1),
        EVSEPresentCurrent: pv(1248, 'A', -1),
        EVSECurrentLimitAchieved: false,
        EVSEVoltageLimitAchieved: false,
        EVSEPowerLimitAchieved: false,
        EVSEMaximumVoltageLimit: pv(5000, 'V', -1),
        EVSEMaximumCurrentLimit: pv(2000, 'A', -1),
        EVSEMaximumPowerLimit: pv(15000, 'W', 1),
        EVSEID: 'DE*ABC*E12345*1',
        SAScheduleTupleID: 1,
        MeterInfo: { MeterID: 'ABC-METER-0042', MeterReading: 1234567, MeterStatus: 0, TMeter: TIME_STAMP },
        ReceiptRequired: false,
      },
    },
  },
};

const chargeParameterDiscoveryRes = {
  V2G_Message: {
    Header: iso2Header,
    Body: {
      ChargeParameterDiscoveryRes: {
        ResponseCode: 'OK',
        EVSEProcessing: 'Finished',
        SAScheduleList: {
          SAScheduleTuple: [
            {
              SAScheduleTupleID: 1,
              PMaxSchedule: {
                // 12 entries of 2 h over a day; the last one open-ended with an explicit duration
                PMaxScheduleEntry: Array.from({ length: 12 }, (_, i) => ({
                  RelativeTimeInterval: i === 11 ? { start: i * 7200, duration: 7200 } : { start: i * 7200 },
                  PMax: pv([150, 150, 120, 100, 100, 150, 150, 90, 90, 120, 150, 150][i], 'W', 3),
                })),
              },
            },
          ],
        },
        DC_EVSEChargeParameter: {
          DC_EVSEStatus: { NotificationMaxDelay: 0, EVSENotification: 'None', EVSEIsolationStatus: 'Valid', EVSEStatusCode: 'EVSE_Ready' },
          EVSEMaximumCurrentLimit: pv(2000, 'A', -1),
          EVSEMaximumPowerLimit: pv(15000, 'W', 1),
          EVSEMaximumVoltageLimit: pv(5000, 'V', -1),
          EVSEMinimumCurrentLimit: pv(0, 'A', -1),
          EVSEMinimumVoltageLimit: pv(1500, 'V', -1),
          EVSECurrentRegulationTolerance: pv(50, 'A', -1),
          EVSEPeakCurrentRipple: pv(20, 'A', -1),
          EVSEEnergyToBeDelivered: pv(5000, 'Wh', 1),
        },
      },
    },
  },
};

const dcChargeLoopReq = {
  DC_ChargeLoopReq: {
    Header: iso20Header,
    DisplayParameters: {
      PresentSOC: 57,
      MinimumSOC: 20,
      TargetSOC: 80,
      MaximumSOC: 100,
      RemainingTimeToMinimumSOC: 0,
      RemainingTimeToTargetSOC: 1380,
      RemainingTimeToMaximumSOC: 2460,
      ChargingComplete: false,
      BatteryEnergyCapacity: rn(77, 3),
      InletHot: false,
    },
    MeterInfoRequested: false,
    EVPresentVoltage: rn(4012, -1),
    BPT_Dynamic_DC_CLReqControlMode: {
      DepartureTime: 7200,
      EVTargetEnergyRequest: rn(30, 3),
      EVMaximumEnergyRequest: rn(50, 3),
      EVMinimumEnergyRequest: rn(-10, 3),
      EVMaximumChargePower: rn(150, 3),
      EVMinimumChargePower: rn(0, 3),
      EVMaximumChargeCurrent: rn(3500, -1),
      EVMaximumVoltage: rn(4500, -1),
      EVMinimumVoltage: rn(3000, -1),
      EVMaximumDischargePower: rn(11, 3),
      EVMinimumDischargePower: rn(0, 3),
      EVMaximumDischargeCurrent: rn(300, -1),
      EVMaximumV2XEnergyRequest: rn(40, 3),
      EVMinimumV2XEnergyRequest: rn(-15, 3),
    },
  },
};

const dcChargeLoopRes = {
  DC_ChargeLoopRes: {
    Header: iso20Header,
    ResponseCode: 'OK',
    EVSEStatus: { NotificationMaxDelay: 0, EVSENotification: 'ExitStandby' },
    EVSEPresentCurrent: rn(-2480, -1),
    EVSEPresentVoltage: rn(4008, -1),
    EVSEPowerLimitAchieved: false,
    EVSECurrentLimitAchieved: false,
    EVSEVoltageLimitAchieved: false,
    BPT_Dynamic_DC_CLResControlMode: {
      DepartureTime: 7200,
      MinimumSOC: 20,
      TargetSOC: 80,
      AckMaxDelay: 30,
      EVSEMaximumChargePower: rn(150, 3),
      EVSEMinimumChargePower: rn(0, 3),
      EVSEMaximumChargeCurrent: rn(2000, -1),
      EVSEMaximumVoltage: rn(5000, -1),
      EVSEMaximumDischargePower: rn(11, 3),
      EVSEMinimumDischargePower: rn(0, 3),
      EVSEMaximumDischargeCurrent: rn(300, -1),
      EVSEMinimumVoltage: rn(1500, -1),
    },
  },
};

const scheduleExchangeRes = {
  ScheduleExchangeRes: {
    Header: iso20Header,
    ResponseCode: 'OK',
    EVSEProcessing: 'Finished',
    GoToPause: false,
    Scheduled_SEResControlMode: {
      ScheduleTuple: [
        {
          ScheduleTupleID: 1,
          ChargingSchedule: {
            PowerSchedule: {
              TimeAnchor: TIME_STAMP,
              AvailableEnergy: rn(60, 3),
              PowerTolerance: rn(5, 3),
              PowerScheduleEntries: {
                // one entry per hour of a day
                PowerScheduleEntry: Array.from({ length: 24 }, (_, h) => ({
                  Duration: 3600,
                  Power: rn(h >= 17 && h < 21 ? 50 : h < 6 ? 150 : 100, 3),
                })),
              },
            },
          },
        },
      ],
    },
  },
};

/**
 * The benchmark messages with the libcbv2g reference figures (ns per encode / decode) measured on
 * the 2-core benchmark machine.
 */
export const messages = [
  { name: 'CurrentDemandReq', codec: 'iso2', doc: currentDemandReq, c: { encode: 482, decode: 619 } },
  { name: 'CurrentDemandRes', codec: 'iso2', doc: currentDemandRes, c: { encode: 776, decode: 1045 } },
  { name: 'ChargeParameterDiscoveryRes', codec: 'iso2', doc: chargeParameterDiscoveryRes, c: { encode: 1735, decode: 2094 } },
  { name: 'DC_ChargeLoopReq', codec: 'iso20-dc', doc: dcChargeLoopReq, c: { encode: 913, decode: 1148 } },
  { name: 'DC_ChargeLoopRes', codec: 'iso20-dc', doc: dcChargeLoopRes, c: { encode: 634, decode: 808 } },
  { name: 'ScheduleExchangeRes', codec: 'iso20-cm', doc: scheduleExchangeRes, c: { encode: 2210, decode: 2648 } },
];
