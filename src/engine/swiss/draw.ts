export function drawSwiss(): string { return ""; }
