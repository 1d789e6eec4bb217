export { EmergencyAccess, resolveEmergencyAccessArgs, type EmergencyAccessArgs } from "./emergencyAccess";
