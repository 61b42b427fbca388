// One EVCC session: from each response to the next request, as ISO 15118-2 §8.8 orders them.
// Pure: the EV process sends, times and traces. A FAILED response code, an unexpected response or
// a response for another session ends the session.
import type { Iso2 } from '@v2xsim/exi';
import { isAc, num, pv } from '../physical.js';
import { messageName, v2gMessage, type Body, type MessageName } from '../messages.js';
import { certificateDer as der, certificatePem, parseCertificate } from '../../pki/cert.js';
import { verifyChain } from '../../pki/verify.js';
import { decryptContractKey } from '../key-transport.js';
import { verifyElements } from '../signature.js';
import { signElements } from '../signature.js';
import type { EvccEv } from './ev-port.js';

type V2G = { V2G_Message: Iso2.V2G_MessageType };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const pemOf = (derHex: string): string => certificatePem(Buffer.from(derHex, 'hex'));

export interface EvccStep {
  /** the next request, or null when the session is over */
  request: V2G | null;
  /** the name of the request (for timeouts and traces) */
  name?: MessageName;
  /** wait this long before sending (EVSEProcessing Ongoing, pre-charge, the charge loop cycle) */
  delayMs: number;
  /** set when the session ended abnormally */
  error?: string;
}

export interface EvccOptions {
  /** pause between repeated requests while the EVSE says Ongoing, ms */
  ongoingDelayMs?: number;
  /** charge loop cycle, ms */
  loopDelayMs?: number;
  /** PreCharge is done when the EVSE voltage is this close to the target, V */
  preChargeToleranceV?: number;
  /** resume a paused session */
  resumeSessionId?: string;
  /** the EXI codec of the session ('iso2' or 'iso2-scale'): signatures are over its fragments */
  codec?: string;
  /** Plug & Charge: a contract, or an OEM provisioning certificate to install one with; without
   *  either the EV uses EIM */
  pnc?: EvccPnc;
}

export interface EvccContract {
  emaid: string;
  contractCertPem: string;
  /** MO Sub-CA 2 then Sub-CA 1 */
  subCaPems: readonly string[];
  contractKeyPem: string;
}

export interface EvccPnc extends Partial<EvccContract> {
  /** CertificateInstallation when the EV has no contract yet */
  oemProvCertPem?: string;
  oemProvKeyPem?: string;
  /** the V2G root(s) the CPS chain of an installed contract must lead to */
  v2gRootPems?: readonly string[];
  /** renew the installed contract with CertificateUpdate before using it (e.g. it expires soon) */
  updateContract?: boolean;
  /** told about a newly installed contract (to keep it for the next session) */
  onContractInstalled?: (contract: EvccContract) => void;
}

type Expect = 'SessionSetupRes' | 'ServiceDiscoveryRes' | 'PaymentServiceSelectionRes' | 'CertificateInstallationRes' | 'CertificateUpdateRes' | 'PaymentDetailsRes' | 'AuthorizationRes' | 'MeteringReceiptRes' | 'ChargeParameterDiscoveryRes'
  | 'CableCheckRes' | 'PreChargeRes' | 'PowerDeliveryRes' | 'CurrentDemandRes' | 'ChargingStatusRes' | 'WeldingDetectionRes' | 'SessionStopRes';

export class EvccSession {
  private sessionId = '00';
  private expect: Expect = 'SessionSetupRes';
  private progress: 'Start' | 'Stop' | 'Renegotiate' = 'Start';
  private tupleId = 1;
  private readonly o: Required<Omit<EvccOptions, 'resumeSessionId' | 'pnc' | 'codec'>>;
  private readonly pnc: EvccPnc | undefined;
  private installed: EvccContract | undefined;
  private readonly codec: string;
  private contract = false;
  private genChallenge = '';
  private lastNotification: 'None' | 'StopCharging' | 'ReNegotiation' = 'None';
  /** the negotiated SessionID */
  get id(): string {
    return this.sessionId;
  }

  constructor(
    private readonly ev: EvccEv,
    opts: EvccOptions = {},
  ) {
    this.o = { ongoingDelayMs: opts.ongoingDelayMs ?? 100, loopDelayMs: opts.loopDelayMs ?? 100, preChargeToleranceV: opts.preChargeToleranceV ?? 10 };
    if (opts.resumeSessionId) this.sessionId = opts.resumeSessionId;
    this.pnc = opts.pnc;
    const p = opts.pnc;
    if (p?.emaid && p.contractCertPem && p.contractKeyPem) this.installed = { emaid: p.emaid, contractCertPem: p.contractCertPem, contractKeyPem: p.contractKeyPem, subCaPems: p.subCaPems ?? [] };
    this.codec = opts.codec ?? 'iso2';
  }

  start(): EvccStep {
    return this.send({ SessionSetupReq: { EVCCID: this.ev.evccId } }, 0);
  }

  private send(body: Body, delayMs: number, signature?: Iso2.SignatureType): EvccStep {
    const name = messageName(body)!;
    this.expect = name.replace(/Req$/, 'Res') as Expect;
    return { request: v2gMessage(this.sessionId, body, signature), name, delayMs };
  }

  /** A request whose body element carries an Id and is signed with the contract key in the header. */
  private sendSigned(name: 'AuthorizationReq' | 'MeteringReceiptReq', element: { Id: string; [k: string]: unknown }, delayMs: number): EvccStep {
    const signature = signElements(this.codec, [{ id: element.Id, fragment: { [name]: element } }], this.installed!.contractKeyPem);
    return this.send({ [name]: element } as Body, delayMs, signature);
  }

  private authorization(delayMs: number): EvccStep {
    return this.contract ? this.sendSigned('AuthorizationReq', { Id: 'ID1', GenChallenge: this.genChallenge }, delayMs) : this.send({ AuthorizationReq: {} }, delayMs);
  }

  private end(error?: string): EvccStep {
    return { request: null, delayMs: 0, ...(error ? { error } : {}) };
  }

  private dcStatus(): Iso2.DC_EVStatusType {
    const r = this.ev.dcRequest();
    return { EVReady: true, EVErrorCode: 'NO_ERROR', EVRESSSOC: Math.round(r.soc) };
  }

  onResponse(doc: V2G): EvccStep {
    const { Header, Body } = doc.V2G_Message;
    const name = messageName(Body);
    if (name !== this.expect) return this.end(`expected ${this.expect}, got ${name ?? 'an empty body'}`);
    const res = Body[name] as { ResponseCode: string };
    if (res.ResponseCode.startsWith('FAILED')) return this.end(`${name}: ${res.ResponseCode}`);
    if (name !== 'SessionSetupRes' && Header.SessionID.toLowerCase() !== this.sessionId) return this.end(`${name} for another session ${Header.SessionID}`);
    const mode = this.ev.energyTransferMode;
    switch (name) {
      case 'SessionSetupRes':
        this.sessionId = Header.SessionID.toLowerCase();
        return this.send({ ServiceDiscoveryReq: {} }, 0);
      case 'ServiceDiscoveryRes': {
        const sd = Body.ServiceDiscoveryRes!;
        if (!sd.ChargeService.SupportedEnergyTransferMode.EnergyTransferMode.includes(mode)) return this.end(`the EVSE does not offer ${mode}`);
        // Plug & Charge when the EV has a contract and the EVSE offers it, else external payment
        const canContract = this.installed !== undefined || (this.pnc?.oemProvCertPem !== undefined && this.pnc.oemProvKeyPem !== undefined);
        this.contract = canContract && sd.PaymentOptionList.PaymentOption.includes('Contract');
        if (!this.contract && !sd.PaymentOptionList.PaymentOption.includes('ExternalPayment')) return this.end('the EVSE offers no external payment (EIM)');
        return this.send(
          { PaymentServiceSelectionReq: { SelectedPaymentOption: this.contract ? 'Contract' : 'ExternalPayment', SelectedServiceList: { SelectedService: [{ ServiceID: sd.ChargeService.ServiceID }] } } },
          0,
        );
      }
      case 'PaymentServiceSelectionRes':
        if (!this.contract) return this.authorization(0);
        if (this.installed && this.pnc?.updateContract) return this.certificateUpdate();
        return this.installed ? this.paymentDetails() : this.certificateInstallation();
      case 'CertificateInstallationRes': {
        const error = this.install(Body.CertificateInstallationRes!, Header.Signature, this.pnc!.oemProvKeyPem!);
        return error ? this.end(`CertificateInstallationRes: ${error}`) : this.paymentDetails();
      }
      case 'CertificateUpdateRes': {
        // the new contract key is encrypted for the key of the contract being replaced
        const error = this.install(Body.CertificateUpdateRes!, Header.Signature, this.installed!.contractKeyPem);
        return error ? this.end(`CertificateUpdateRes: ${error}`) : this.paymentDetails();
      }
      case 'PaymentDetailsRes':
        this.genChallenge = Body.PaymentDetailsRes!.GenChallenge.toLowerCase();
        return this.authorization(0);
      case 'AuthorizationRes':
        return Body.AuthorizationRes!.EVSEProcessing === 'Finished' ? this.chargeParameterDiscovery() : this.authorization(this.o.ongoingDelayMs);
      case 'MeteringReceiptRes':
        return this.afterLoopStep(this.lastNotification);
      case 'ChargeParameterDiscoveryRes': {
        const cpd = Body.ChargeParameterDiscoveryRes!;
        if (cpd.EVSEProcessing !== 'Finished') return this.chargeParameterDiscovery(this.o.ongoingDelayMs);
        const tuple = cpd.SAScheduleList?.SAScheduleTuple[0];
        if (!tuple) return this.end('no SAScheduleTuple in ChargeParameterDiscoveryRes');
        this.tupleId = tuple.SAScheduleTupleID;
        this.ev.schedule(tuple.PMaxSchedule.PMaxScheduleEntry.map((e) => ({ startS: e.RelativeTimeInterval?.start ?? 0, pMaxW: num(e.PMax) ?? 0 })));
        const st = tuple.SalesTariff;
        // under Plug & Charge the EV checks the secondary actor's signature on the tariff
        if (st && this.contract && this.installed) {
          const moSubCa2 = this.installed.subCaPems[0];
          const signed = Header.Signature && moSubCa2 && st.Id ? verifyElements(this.codec, Header.Signature, [{ id: st.Id, fragment: { SalesTariff: st } }], moSubCa2) : { ok: false as const, reason: 'not signed' };
          if (!signed.ok) return this.end(`SalesTariff signature: ${signed.reason}`);
        }
        if (st && this.ev.tariff)
          this.ev.tariff(
            st.SalesTariffEntry.map((e) => ({ startS: e.RelativeTimeInterval?.start ?? 0, ePriceLevel: e.EPriceLevel ?? 0 })),
            st.NumEPriceLevels ?? 0,
          );
        if (this.progress === 'Renegotiate' || isAc(mode)) return this.powerDelivery('Start');
        return this.send({ CableCheckReq: { DC_EVStatus: this.dcStatus() } }, 0);
      }
      case 'CableCheckRes':
        return Body.CableCheckRes!.EVSEProcessing === 'Finished' ? this.preCharge(0) : this.send({ CableCheckReq: { DC_EVStatus: this.dcStatus() } }, this.o.ongoingDelayMs);
      case 'PreChargeRes': {
        const present = num(Body.PreChargeRes!.EVSEPresentVoltage) ?? 0;
        const target = this.ev.preChargeTarget().voltage;
        return Math.abs(present - target) <= this.o.preChargeToleranceV ? this.powerDelivery('Start') : this.preCharge(this.o.ongoingDelayMs);
      }
      case 'PowerDeliveryRes':
        if (this.progress === 'Start') return this.loop(0);
        if (this.progress === 'Renegotiate') return this.chargeParameterDiscovery();
        return isAc(mode) ? this.sessionStop() : this.send({ WeldingDetectionReq: { DC_EVStatus: this.dcStatus() } }, 0);
      case 'CurrentDemandRes': {
        const cd = Body.CurrentDemandRes!;
        this.ev.dcOutput(num(cd.EVSEPresentVoltage) ?? 0, num(cd.EVSEPresentCurrent) ?? 0);
        return this.receiptOr(cd, cd.DC_EVSEStatus.EVSENotification);
      }
      case 'ChargingStatusRes': {
        const cs = Body.ChargingStatusRes!;
        this.ev.acStatus(num(cs.EVSEMaxCurrent));
        return this.receiptOr(cs, cs.AC_EVSEStatus.EVSENotification);
      }
      case 'WeldingDetectionRes':
        return this.sessionStop();
      case 'SessionStopRes':
        return this.end();
    }
  }

  private paymentDetails(): EvccStep {
    const c = this.installed!;
    const subs = c.subCaPems.map((p) => hex(der(p)));
    return this.send(
      { PaymentDetailsReq: { eMAID: c.emaid, ContractSignatureCertChain: { Certificate: hex(der(c.contractCertPem)), ...(subs.length ? { SubCertificates: { Certificate: subs } } : {}) } } },
      0,
    );
  }

  /** CertificateInstallationReq, signed with the OEM provisioning key. */
  private certificateInstallation(): EvccStep {
    const p = this.pnc!;
    const element = { Id: 'ID1', OEMProvisioningCert: hex(der(p.oemProvCertPem!)), ListOfRootCertificateIDs: { RootCertificateID: this.rootIds() } };
    const signature = signElements(this.codec, [{ id: element.Id, fragment: { CertificateInstallationReq: element } }], p.oemProvKeyPem!);
    return this.send({ CertificateInstallationReq: element }, 0, signature);
  }

  /** CertificateUpdateReq, signed with the current contract key. */
  private certificateUpdate(): EvccStep {
    const c = this.installed!;
    const subs = c.subCaPems.map((p) => hex(der(p)));
    const element = {
      Id: 'ID1',
      ContractSignatureCertChain: { Certificate: hex(der(c.contractCertPem)), ...(subs.length ? { SubCertificates: { Certificate: subs } } : {}) },
      eMAID: c.emaid,
      ListOfRootCertificateIDs: { RootCertificateID: this.rootIds() },
    };
    const signature = signElements(this.codec, [{ id: element.Id, fragment: { CertificateUpdateReq: element } }], c.contractKeyPem);
    return this.send({ CertificateUpdateReq: element }, 0, signature);
  }

  private rootIds(): { X509IssuerName: string; X509SerialNumber: bigint | number }[] {
    const roots = (this.pnc?.v2gRootPems ?? []).map((pem) => {
      const info = parseCertificate(pem);
      return { X509IssuerName: info.issuer, X509SerialNumber: BigInt(`0x${info.serialNumber}`) };
    });
    return roots.length ? roots : [{ X509IssuerName: 'CN=V2GRootCA', X509SerialNumber: 1 }];
  }

  /** Checks the CPS chain and signature, decrypts the contract key; an error message or undefined. */
  private install(res: Iso2.CertificateInstallationResType, signature: Iso2.SignatureType | undefined, recipientKeyPem: string): string | undefined {
    const p = this.pnc!;
    const cps = res.SAProvisioningCertificateChain;
    const cpsSubs = (cps.SubCertificates?.Certificate ?? []).map((h) => Buffer.from(h, 'hex'));
    if (p.v2gRootPems?.length) {
      const chain = verifyChain(Buffer.from(cps.Certificate, 'hex'), cpsSubs, [...p.v2gRootPems]);
      if (!chain.ok) return `CPS chain ${chain.status}`;
    }
    if (!signature) return 'not signed';
    const check = verifyElements(
      this.codec,
      signature,
      [
        { id: res.ContractSignatureCertChain.Id ?? '', fragment: { ContractSignatureCertChain: res.ContractSignatureCertChain } },
        { id: res.ContractSignatureEncryptedPrivateKey.Id, fragment: { ContractSignatureEncryptedPrivateKey: res.ContractSignatureEncryptedPrivateKey } },
        { id: res.DHpublickey.Id, fragment: { DHpublickey: res.DHpublickey } },
        { id: res.eMAID.Id, fragment: { eMAID: res.eMAID } },
      ],
      Buffer.from(cps.Certificate, 'hex'),
    );
    if (!check.ok) return `signature: ${check.reason}`;
    const contractCertPem = pemOf(res.ContractSignatureCertChain.Certificate);
    let contractKeyPem: string;
    try {
      contractKeyPem = decryptContractKey(Buffer.from(res.ContractSignatureEncryptedPrivateKey.CONTENT, 'hex'), Buffer.from(res.DHpublickey.CONTENT, 'hex'), recipientKeyPem, contractCertPem);
    } catch (e) {
      return `contract key: ${(e as Error).message}`;
    }
    this.installed = {
      emaid: res.eMAID.CONTENT,
      contractCertPem,
      contractKeyPem,
      subCaPems: (res.ContractSignatureCertChain.SubCertificates?.Certificate ?? []).map(pemOf),
    };
    p.onContractInstalled?.(this.installed);
    return undefined;
  }

  /** A signed MeteringReceiptReq when the EVSE asked for one, else the next loop step. */
  private receiptOr(res: { ReceiptRequired?: boolean; MeterInfo?: Iso2.MeterInfoType; SAScheduleTupleID: number }, notification: 'None' | 'StopCharging' | 'ReNegotiation'): EvccStep {
    this.lastNotification = notification;
    if (res.ReceiptRequired && this.contract && res.MeterInfo)
      return this.sendSigned('MeteringReceiptReq', { Id: 'ID2', SessionID: this.sessionId, SAScheduleTupleID: res.SAScheduleTupleID, MeterInfo: res.MeterInfo }, 0);
    return this.afterLoopStep(notification);
  }

  private afterLoopStep(notification: 'None' | 'StopCharging' | 'ReNegotiation'): EvccStep {
    if (notification === 'StopCharging' || this.ev.wantsToStop()) return this.powerDelivery('Stop');
    if (notification === 'ReNegotiation' || this.ev.wantsRenegotiation()) return this.powerDelivery('Renegotiate');
    return this.loop(this.o.loopDelayMs);
  }

  private chargeParameterDiscovery(delayMs = 0): EvccStep {
    const p = this.ev.chargeParameters();
    const mode = this.ev.energyTransferMode;
    const req: Iso2.ChargeParameterDiscoveryReqType = isAc(mode)
      ? {
          RequestedEnergyTransferMode: mode,
          AC_EVChargeParameter: {
            ...(p.departureTimeS !== undefined ? { DepartureTime: Math.round(p.departureTimeS) } : {}),
            EAmount: pv(p.energyRequestWh, 'Wh'),
            EVMaxVoltage: pv(p.maxVoltage, 'V'),
            EVMaxCurrent: pv(p.maxCurrent, 'A'),
            EVMinCurrent: pv(p.minCurrent, 'A'),
          },
        }
      : {
          RequestedEnergyTransferMode: mode,
          DC_EVChargeParameter: {
            ...(p.departureTimeS !== undefined ? { DepartureTime: Math.round(p.departureTimeS) } : {}),
            DC_EVStatus: this.dcStatus(),
            EVMaximumCurrentLimit: pv(p.maxCurrent, 'A'),
            EVMaximumPowerLimit: pv(p.maxPower, 'W'),
            EVMaximumVoltageLimit: pv(p.maxVoltage, 'V'),
            EVEnergyCapacity: pv(p.energyCapacityWh, 'Wh'),
            EVEnergyRequest: pv(p.energyRequestWh, 'Wh'),
            ...(p.fullSoc !== undefined ? { FullSOC: Math.round(p.fullSoc) } : {}),
            ...(p.bulkSoc !== undefined ? { BulkSOC: Math.round(p.bulkSoc) } : {}),
          },
        };
    // the SCALE -2 variant (D2.3 §9.1, docs/scale-variants.md) carries the EV's energy and SoC window
    if (this.codec === 'iso2-scale' && p.scale) {
      const extra = {
        EVMaxEnergyRequest: pv(p.scale.maxEnergyRequestWh, 'Wh'),
        EVMinEnergyRequest: pv(p.scale.minEnergyRequestWh, 'Wh'),
        EVMaxSoc: Math.round(p.scale.maxSoc),
        EVMinSoc: Math.round(p.scale.minSoc),
      };
      if (req.AC_EVChargeParameter) Object.assign(req.AC_EVChargeParameter, { EVMaxPower: pv(p.maxPower, 'W'), ...extra });
      if (req.DC_EVChargeParameter) Object.assign(req.DC_EVChargeParameter, extra);
    }
    return this.send({ ChargeParameterDiscoveryReq: req }, delayMs);
  }

  private preCharge(delayMs: number): EvccStep {
    const t = this.ev.preChargeTarget();
    return this.send({ PreChargeReq: { DC_EVStatus: this.dcStatus(), EVTargetVoltage: pv(t.voltage, 'V'), EVTargetCurrent: pv(t.current, 'A') } }, delayMs);
  }

  private powerDelivery(progress: 'Start' | 'Stop' | 'Renegotiate'): EvccStep {
    this.progress = progress;
    const dc = !isAc(this.ev.energyTransferMode);
    const r = dc ? this.ev.dcRequest() : undefined;
    return this.send(
      {
        PowerDeliveryReq: {
          ChargeProgress: progress,
          SAScheduleTupleID: this.tupleId,
          ...(dc ? { DC_EVPowerDeliveryParameter: { DC_EVStatus: this.dcStatus(), ChargingComplete: progress === 'Stop' && r!.chargingComplete } } : {}),
        },
      },
      0,
    );
  }

  private loop(delayMs: number): EvccStep {
    if (isAc(this.ev.energyTransferMode)) return this.send({ ChargingStatusReq: {} }, delayMs);
    const r = this.ev.dcRequest();
    return this.send(
      {
        CurrentDemandReq: {
          DC_EVStatus: this.dcStatus(),
          EVTargetCurrent: pv(r.targetCurrent, 'A'),
          EVMaximumVoltageLimit: pv(r.maxVoltage, 'V'),
          EVMaximumCurrentLimit: pv(r.maxCurrent, 'A'),
          EVMaximumPowerLimit: pv(r.maxPower, 'W'),
          BulkChargingComplete: r.bulkChargingComplete,
          ChargingComplete: r.chargingComplete,
          ...(r.remainingTimeToFullSocS !== undefined ? { RemainingTimeToFullSoC: pv(r.remainingTimeToFullSocS, 's') } : {}),
          ...(r.remainingTimeToBulkSocS !== undefined ? { RemainingTimeToBulkSoC: pv(r.remainingTimeToBulkSocS, 's') } : {}),
          EVTargetVoltage: pv(r.targetVoltage, 'V'),
        },
      },
      delayMs,
    );
  }

  private sessionStop(): EvccStep {
    return this.send({ SessionStopReq: { ChargingSession: this.ev.stopMode() } }, 0);
  }
}
