import { trivialPinProblem } from './signing-pin';

describe(trivialPinProblem.name, () => {
  it.each(['123456', '987654', '0123456789', '000000', '999999999999', '121212', '123123', '909090'])('refuses %s as too easy to guess', (pin) => {
    expect(trivialPinProblem(pin)).toEqual(expect.any(String));
  });

  it.each(['730519', '284617', '123456788012', '112233', '135790', '120120120121'])('accepts %s', (pin) => {
    expect(trivialPinProblem(pin)).toBeUndefined();
  });
});
