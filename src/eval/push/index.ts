export { DEFAULT_PUSH_DIAGNOSIS, PUSH_STARTS, runPushDiagnosis } from './pushDiagnosis.js';
export type { PushDiagnosisCell, PushDiagnosisOptions, PushDiagnosisReport, PushStart } from './pushDiagnosis.js';
export { pushMarkdown } from './pushReport.js';
