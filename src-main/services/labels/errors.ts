import { serviceErrorClass } from '../../../src-shared/errors'
/** A request the labelling service refuses (bad range, someone else's label, a reused request id): a BAD_REQUEST with this message. */
export class LabelError extends serviceErrorClass('LabelError') {}
