/** Failure descriptions are shared by both platforms; see ../describe-failure.ts. */
export { describeFailure } from "../describe-failure.js";
