export function swissTourSection(): string { return ""; }
