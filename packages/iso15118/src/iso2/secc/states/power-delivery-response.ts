import { isAc, type ResponseCode } from '../../physical.js';
import type { Body } from '../../messages.js';
import type { SeccContext } from '../context.js';
import { acEvseStatus, dcEvseStatus } from '../responses.js';

export function powerDeliveryResponse(ctx: SeccContext, code: ResponseCode): Body {
  return isAc(ctx.transferMode!)
    ? { PowerDeliveryRes: { ResponseCode: code, AC_EVSEStatus: acEvseStatus(ctx) } }
    : { PowerDeliveryRes: { ResponseCode: code, DC_EVSEStatus: dcEvseStatus(ctx) } };
}
