/** An error answered in SAP Gateway's JSON error format (see v2-json.ts gatewayError). */
export class ODataError extends Error {
  constructor(
    public status: number,
    message: string,
    public code = '/IWBEP/CM_MGW_RT/020',
    public headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const badRequest = (msg: string, code = '/IWBEP/CM_MGW_RT/022') => new ODataError(400, msg, code)
export const notFound = (msg: string, code = '/IWBEP/CM_MGW_RT/020') => new ODataError(404, msg, code)
