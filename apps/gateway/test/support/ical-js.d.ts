/** The few parts of ical.js (which ships no types) the calendar feed test reads with. */
declare module 'ical.js' {
  interface Time {
    toJSDate(): Date;
  }
  class Component {
    constructor(jcal: unknown);
    getAllSubcomponents(name: string): Component[];
    getFirstPropertyValue(name: string): unknown;
  }
  class Event {
    constructor(component: Component);
    uid: string;
    summary: string;
    startDate: Time;
    endDate: Time;
  }
  const ICAL: { parse(input: string): unknown; Component: typeof Component; Event: typeof Event };
  export default ICAL;
}
