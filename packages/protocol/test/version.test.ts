import { describe, expect, it } from 'vitest';
import { discoverySchema, helloEventSchema, PROTOCOL_RANGE, PROTOCOL_VERSION, protocolMajor, speaksMajor, subprotocolMajor } from '../src/index.js';

describe('protocol version', () => {
  it('is 1.0, spoken as the syncline.1 subprotocol', () => {
    expect(PROTOCOL_VERSION).toBe('1.0');
    expect(PROTOCOL_RANGE).toEqual({ version: '1.0', min: '1.0', max: '1.0' });
    expect(subprotocolMajor('syncline.1')).toBe(1);
    expect(subprotocolMajor(' syncline.12 ')).toBe(12);
    for (const other of ['syncline.bearer.abc', 'syncline.01', 'syncline.1.0', 'syncline', 'chat']) expect(subprotocolMajor(other)).toBeUndefined();
  });

  it('agrees on a major: minors only add', () => {
    expect(protocolMajor('2.3')).toBe(2);
    expect(protocolMajor('2')).toBeUndefined();
    expect(speaksMajor({ min: '1.0', max: '1.4' }, 1)).toBe(true);
    expect(speaksMajor({ min: '1.0', max: '2.1' }, 2)).toBe(true);
    expect(speaksMajor({ min: '2.0', max: '2.1' }, 1)).toBe(false);
    expect(speaksMajor({ min: '1.0', max: '1.9' }, 2)).toBe(false);
  });

  it('hello needs a version range and capabilities, and keeps capability names it does not know', () => {
    const hello = { event: 'hello', protocol: PROTOCOL_RANGE, capabilities: ['reconcile', 'teleport'], heartbeatMs: 25000, seq: 3 };
    expect(helloEventSchema.parse(hello).capabilities).toEqual(['reconcile', 'teleport']);
    expect(helloEventSchema.safeParse({ ...hello, protocol: 1 }).success).toBe(false);
    expect(helloEventSchema.safeParse({ ...hello, protocol: { ...PROTOCOL_RANGE, max: 'one' } }).success).toBe(false);
    expect(helloEventSchema.safeParse({ ...hello, capabilities: undefined }).success).toBe(false);
    expect(helloEventSchema.safeParse({ ...hello, capabilities: ['Not A Name'] }).success).toBe(false);
    expect(discoverySchema.safeParse({ protocol: PROTOCOL_RANGE, capabilities: [], livePath: 'live', heartbeatMs: 1 }).success).toBe(false);
  });
});
