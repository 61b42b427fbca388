import { describe, expect, it } from 'vitest';
import { getTypedCodec } from '@v2xsim/exi';
import { appProtocolReq, chooseAppProtocol, chosenAppProtocol } from '../src/app-protocol.js';

const apphand = getTypedCodec('apphand');
const roundTrip = <T extends object>(m: T): T => apphand.decode(apphand.encode(m as never)) as unknown as T;

describe('SupportedAppProtocol negotiation', () => {
  it('a SCALE EV with a SCALE EVSE gets the SCALE variant', () => {
    const req = roundTrip(appProtocolReq(['iso2-scale', 'iso2', 'din']));
    const choice = chooseAppProtocol(req.supportedAppProtocolReq, ['iso2-scale', 'iso2', 'din']);
    expect(choice.protocol?.id).toBe('iso2-scale');
    expect(chosenAppProtocol(['iso2-scale', 'iso2', 'din'], roundTrip(choice.response).supportedAppProtocolRes)?.codec).toBe('iso2-scale');
  });

  it('a SCALE EV with a standard EVSE falls back to ISO 15118-2, and a standard EV with a SCALE EVSE too', () => {
    expect(chooseAppProtocol(appProtocolReq(['iso2-scale', 'iso2']).supportedAppProtocolReq, ['iso2', 'din']).protocol?.id).toBe('iso2');
    expect(chooseAppProtocol(appProtocolReq(['iso2', 'din']).supportedAppProtocolReq, ['iso2-scale', 'iso2']).protocol?.id).toBe('iso2');
  });

  it('the EV priority decides, not the EVSE list order', () => {
    expect(chooseAppProtocol(appProtocolReq(['din', 'iso2']).supportedAppProtocolReq, ['iso2', 'din']).protocol?.id).toBe('din');
  });

  it('a minor version difference is a minor deviation; nothing in common fails', () => {
    const req = appProtocolReq(['iso2']).supportedAppProtocolReq;
    req.AppProtocol[0]!.VersionNumberMinor = 1;
    expect(chooseAppProtocol(req, ['iso2']).response.supportedAppProtocolRes.ResponseCode).toBe('OK_SuccessfulNegotiationWithMinorDeviation');
    const none = chooseAppProtocol(appProtocolReq(['din']).supportedAppProtocolReq, ['iso2']);
    expect(none.response.supportedAppProtocolRes).toEqual({ ResponseCode: 'Failed_NoNegotiation' });
    expect(none.protocol).toBeUndefined();
  });
});
