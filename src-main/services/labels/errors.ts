import { ServiceError, type ServiceErrorCode } from '../../../src-shared/errors'
/** A request the labelling service refuses (bad range, someone else's label, a reused request id): a BAD_REQUEST with this message. */
export class LabelError extends ServiceError {
  override name = 'LabelError'
  constructor(message: string, code: ServiceErrorCode = 'invalid') {
    super(code, message)
  }
}
