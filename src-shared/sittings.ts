/** A microphone take more than this many minutes after the person's previous one starts a new recording session. */
export const SESSION_GAP_MIN = 30
